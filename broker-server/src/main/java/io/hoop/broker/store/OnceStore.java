package io.hoop.broker.store;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.token.OnceIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link OnceIds} in table {@code broker_once}: the primary key makes the first claim win,
 * whichever replica makes it. Ids are stored as their kind and SHA-256, never as given. Expired
 * rows are deleted at most once a minute, by whichever claim comes after the minute.
 */
public final class OnceStore implements OnceIds {
  static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final Store store;
  private final Clock clock;
  private final AtomicReference<Instant> nextPurge;

  public OnceStore(Store store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.nextPurge = new AtomicReference<>(clock.instant());
  }

  @Override
  public boolean claim(String kind, String id, Instant keepUntil) {
    requireNonNull(kind, "kind");
    requireNonNull(id, "id");
    requireNonNull(keepUntil, "keepUntil");
    Instant now = clock.instant();
    String key = kind + ":" + sha256(id);
    try (Connection c = store.connection()) {
      purgeIfDue(c, now);
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into broker_once (id, expires_at) values (?, ?)"
                  + " on conflict do nothing")) {
        ps.setString(1, key);
        ps.setObject(2, Store.ts(keepUntil));
        return ps.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot claim a one-time " + kind + " id in the store", e);
    }
  }

  private void purgeIfDue(Connection c, Instant now) throws SQLException {
    Instant due = nextPurge.get();
    if (now.isBefore(due) || !nextPurge.compareAndSet(due, now.plus(PURGE_EVERY))) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("delete from broker_once where expires_at < ?")) {
      ps.setObject(1, Store.ts(now));
      ps.executeUpdate();
    }
  }

  /** How many ids are kept (expired ones not purged yet included). */
  public int size() {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("select count(*) from broker_once");
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new StoreException("cannot count one-time ids", e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
