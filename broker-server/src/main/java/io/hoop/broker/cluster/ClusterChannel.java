package io.hoop.broker.cluster;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the other replicas of a PostgreSQL store that something changed, through {@code
 * LISTEN/NOTIFY} on one channel. A message names only what changed ({@code grant g-1}, {@code login
 * jti}, {@code hold h-1}) and who sent it: receivers read the store for the rest, so a message
 * forged by anyone who can NOTIFY on the database only makes a replica look at the store.
 *
 * <p>One thread holds a listening connection; when it breaks it reconnects with a pause, and calls
 * {@link Receiver#reconnected()} so the receiver catches up on what it may have missed.
 */
public final class ClusterChannel implements AutoCloseable {
  /** What a message is about. */
  public enum Kind {
    /** A grant ended (revoked, released, denied): its tunnels close. */
    GRANT,
    /** A login session was revoked (logout, admin): its tunnels close. */
    LOGIN,
    /** A held operation was decided: the session waiting for it goes on or is refused. */
    HOLD
  }

  /** One message: what changed, and the replica that changed it. */
  public record Message(Kind kind, String id, String from) {}

  /** Hears messages, on the channel's thread (keep it short). */
  public interface Receiver {
    void received(Message message);

    /** The channel (re)connected: messages sent while it was down were lost. */
    void reconnected();
  }

  static final String CHANNEL = "hoop_cluster";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterChannel.class);
  private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:@+=-]{1,200}$");
  private static final int POLL_MILLIS = 250;
  private static final long PROBE_NANOS = 5_000_000_000L;
  private static final long RETRY_MILLIS = 1000;

  private final Store store;
  private final String self;
  private final Receiver receiver;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean listening;

  private ClusterChannel(Store store, String self, Receiver receiver) {
    this.store = store;
    this.self = self;
    this.receiver = receiver;
    this.thread = new Thread(this::run, "hoop-cluster-listen");
    thread.setDaemon(true);
  }

  /** Starts listening; returns at once (the first connection is made on the channel's thread). */
  public static ClusterChannel start(Store store, String self, Receiver receiver) {
    ClusterChannel c =
        new ClusterChannel(
            requireNonNull(store, "store"),
            requireNonNull(self, "self"),
            requireNonNull(receiver, "receiver"));
    c.thread.start();
    return c;
  }

  /** Whether the listening connection is up. */
  public boolean listening() {
    return listening;
  }

  /**
   * Sends a message to every replica (this one included).
   *
   * @throws StoreException when the store cannot be reached (the change itself was stored: the
   *     other replicas' reconciliation finds it)
   */
  public void publish(Kind kind, String id) {
    requireNonNull(kind, "kind");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "not a grant, login or hold id (" + id.length() + " characters)");
    }
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select pg_notify(?, ?)")) {
      ps.setString(1, CHANNEL);
      ps.setString(2, encode(new Message(kind, id, self)));
      ps.execute();
    } catch (SQLException e) {
      throw new StoreException("cannot tell the other replicas about " + kind + " " + id, e);
    }
  }

  static String encode(Message m) {
    return m.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + m.id() + " " + m.from();
  }

  /** A message as sent, or empty when it is not one (logged by the caller, never acted on). */
  static Optional<Message> decode(String payload) {
    if (payload == null || payload.length() > 500) {
      return Optional.empty();
    }
    String[] parts = payload.split(" ", -1);
    if (parts.length != 3 || !ID.matcher(parts[1]).matches() || !ID.matcher(parts[2]).matches()) {
      return Optional.empty();
    }
    for (Kind k : Kind.values()) {
      if (k.name().toLowerCase(java.util.Locale.ROOT).equals(parts[0])) {
        return Optional.of(new Message(k, parts[1], parts[2]));
      }
    }
    return Optional.empty();
  }

  private void run() {
    while (!closed) {
      try (Connection c = store.dataSource().getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("listen " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        listening = true;
        LOG.info("cluster channel listening replica={}", self);
        receiver.reconnected();
        long probed = System.nanoTime();
        while (!closed) {
          PGNotification[] got = pg.getNotifications(POLL_MILLIS);
          if (got != null) {
            for (PGNotification n : got) {
              Optional<Message> m = decode(n.getParameter());
              if (m.isPresent()) {
                receiver.received(m.get());
              } else {
                LOG.warn(
                    "cluster channel: ignored a malformed message ({} chars)",
                    n.getParameter() == null ? 0 : n.getParameter().length());
              }
            }
          }
          if (System.nanoTime() - probed > PROBE_NANOS) {
            // A silent network loss shows only when something is sent.
            try (Statement s = c.createStatement()) {
              s.execute("select 1");
            }
            probed = System.nanoTime();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        if (listening) {
          LOG.warn("cluster channel lost, reconnecting: {}", e.toString());
        }
        listening = false;
        try {
          Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    listening = false;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
