package io.hoop.cli.connect;

import io.hoop.api.ApiError;
import io.hoop.api.Grant;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerReplicas;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.identity.Renewer;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The local listener of one approved grant. Per-connection problems are reported on stderr; a
 * broker notice that the grant ended completes {@link #ended()}.
 *
 * <p>The tunnel lives as long as the grant, not as long as the login: connections already open are
 * never closed because the session expired. Each new connection presents the current session token
 * with a fresh proof, so a background keeper renews the session before it expires; when it cannot,
 * it says so once and new connections are refused by the broker until {@code hoop login} runs in
 * another terminal (the keeper then picks up that login).
 */
public final class GrantTunnel implements AutoCloseable {
  private static final Set<String> GRANT_ENDED =
      Set.of("grant_expired", "grant_revoked", "grant_released");

  /** How often the keeper checks the session's expiry. */
  static final Duration KEEPER_INTERVAL = Duration.ofSeconds(20);

  private final BrokerSession session;
  private final TunnelClient client;
  private final CompletableFuture<CloseNotice> ended = new CompletableFuture<>();
  private final ScheduledExecutorService keeper;

  /** The handshake of the grant being served; null until {@link #serve} (connections refused). */
  private final AtomicReference<Supplier<Handshake>> handshake = new AtomicReference<>();

  /** The broker's session ids of the connections opened so far, in order. */
  private final List<String> sessionIds = new CopyOnWriteArrayList<>();

  private GrantTunnel(BrokerSession session, int localPort, Path socket, PrintWriter err) {
    this.session = session;
    URI broker = URI.create(session.profile().brokerUrl());
    int brokerPort = broker.getPort() == -1 ? 443 : broker.getPort();
    String relogin = session.store().loginCommand();
    TunnelClient.Listener listener =
        new TunnelClient.Listener() {
          @Override
          public void opened(HandshakeReply reply) {
            if (reply.sessionId() != null) {
              sessionIds.add(reply.sessionId());
            }
          }

          @Override
          public void refused(ApiError error) {
            String code = error == null ? null : error.code();
            String message = error == null ? "no reason given" : error.message();
            if (code != null && GRANT_ENDED.contains(code)) {
              ended.complete(new CloseNotice(code, message));
            } else {
              err.println(
                  "hoop: broker refused a connection: "
                      + message
                      + (sessionProblem(code)
                          ? " (open connections stay open until the grant ends; run "
                              + relogin
                              + " in another terminal to open new ones)"
                          : ""));
              err.flush();
            }
          }

          @Override
          public void closed(CloseNotice notice, long bytesUp, long bytesDown) {
            if (notice != null && GRANT_ENDED.contains(notice.code())) {
              ended.complete(notice);
            } else if (notice != null && !"upstream_closed".equals(notice.code())) {
              err.println("hoop: connection closed by broker: " + notice.message());
              err.flush();
            }
          }

          @Override
          public void failed(String message, Throwable cause) {
            err.println("hoop: " + message);
            err.flush();
          }
        };
    try {
      TunnelClientConfig config =
          socket == null
              ? TunnelClientConfig.of(
                  broker.getHost(),
                  brokerPort,
                  session.tls().nettyContext(),
                  localPort,
                  this::handshake,
                  listener)
              : TunnelClientConfig.unixSocket(
                  broker.getHost(),
                  brokerPort,
                  session.tls().nettyContext(),
                  socket,
                  this::handshake,
                  listener);
      this.client =
          TunnelClient.start(
              config.withFallbacks(BrokerReplicas.from(session.store().environment())));
    } catch (BindException e) {
      throw new HoopException.Usage(e.getMessage());
    }
    this.keeper = session.fromTokenEnvironment() ? null : startKeeper(session, err);
  }

  /** Refusals about the login (expired, revoked, bad proof), not about the grant. */
  private static boolean sessionProblem(String code) {
    return code != null
        && (code.equals("unauthenticated")
            || code.startsWith("session_")
            || code.startsWith("dpop_")
            || code.equals("invalid_dpop_proof"));
  }

  private static ScheduledExecutorService startKeeper(BrokerSession session, PrintWriter err) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hoop-session-keeper");
              t.setDaemon(true);
              return t;
            });
    new Keeper(session, session.renewer(), timer, err).schedule();
    return timer;
  }

  /**
   * Keeps the session fresh for new connections; says once when it cannot, once when it can again.
   */
  private static final class Keeper implements Runnable {
    private final BrokerSession session;
    private final Renewer renewer;
    private final ScheduledExecutorService timer;
    private final PrintWriter err;
    private boolean failing;

    Keeper(
        BrokerSession session, Renewer renewer, ScheduledExecutorService timer, PrintWriter err) {
      this.session = session;
      this.renewer = renewer;
      this.timer = timer;
      this.err = err;
    }

    void schedule() {
      try {
        timer.schedule(this, delay().toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // The tunnel closed meanwhile: nothing left to keep fresh.
      }
    }

    /** Half the time left, between 1 s and the interval: short sessions are checked often. */
    private Duration delay() {
      Instant expires = session.credentials().sessionExpiresAt();
      if (expires == null) {
        return KEEPER_INTERVAL;
      }
      Duration half = Duration.between(session.live().clock().instant(), expires).dividedBy(2);
      if (half.compareTo(Duration.ofSeconds(1)) < 0) {
        return Duration.ofSeconds(1);
      }
      return half.compareTo(KEEPER_INTERVAL) > 0 ? KEEPER_INTERVAL : half;
    }

    @Override
    public void run() {
      boolean fresh;
      try {
        fresh = session.live().keepFresh(session.store(), renewer, null);
      } catch (RuntimeException e) {
        fresh = false;
      }
      if (!fresh && !failing) {
        failing = true;
        err.println(
            "hoop: your login to "
                + session.profile().brokerUrl()
                + " expires and cannot be renewed"
                + session.live().renewalFailure().map(f -> " (" + f.reason() + ")").orElse("")
                + "; open connections stay open until the grant"
                + " ends, new ones need a new login: run "
                + session.store().loginCommand()
                + " in another terminal");
        err.flush();
      } else if (fresh && failing) {
        failing = false;
        err.println("hoop: login renewed; new connections work again");
        err.flush();
      }
      schedule();
    }
  }

  /** Listens on 127.0.0.1:{@code localPort} (0 for a free port) and serves {@code grant}. */
  public static GrantTunnel open(
      BrokerSession session, Grant grant, int localPort, PrintWriter err) {
    requireToken(grant);
    GrantTunnel tunnel = listen(session, localPort, err);
    tunnel.serve(grant);
    return tunnel;
  }

  /**
   * Listens on 127.0.0.1:{@code localPort} (0 for a free port) before there is a grant, so a port
   * that cannot be bound costs no grant; connections are refused until {@link #serve}.
   *
   * @throws HoopException.Usage when the port cannot be bound
   */
  public static GrantTunnel listen(BrokerSession session, int localPort, PrintWriter err) {
    return new GrantTunnel(session, localPort, null, err);
  }

  /**
   * Listens on the Unix socket file {@code socket}, whose directory the caller made private (see
   * {@link SocketDirectory}), before there is a grant; connections are refused until {@link
   * #serve}.
   */
  public static GrantTunnel listen(BrokerSession session, Path socket, PrintWriter err) {
    return new GrantTunnel(session, 0, Objects.requireNonNull(socket, "socket"), err);
  }

  /** From now on each connection is relayed under {@code grant} (approved, with its token). */
  public void serve(Grant grant) {
    serve(grant, null);
  }

  /**
   * From now on each connection is relayed under {@code grant}; for an ssh target every handshake
   * offers {@code sshPublicKey}, the grant's ephemeral key, which the broker's SSH end admits.
   */
  public void serve(Grant grant, String sshPublicKey) {
    requireToken(grant);
    Supplier<Handshake> base = session.live().handshake(grant.id(), grant.token());
    handshake.set(sshPublicKey == null ? base : () -> base.get().withSshPublicKey(sshPublicKey));
  }

  private Handshake handshake() {
    Supplier<Handshake> h = handshake.get();
    if (h == null) {
      throw new IllegalStateException(
          "no approved grant yet; connect once hoop says where to connect");
    }
    return h.get();
  }

  private static void requireToken(Grant grant) {
    if (grant.token() == null) {
      throw new HoopException(
          "broker approved grant " + grant.id() + " but sent no grant token; cannot open a tunnel");
    }
  }

  /**
   * The TCP port listened on.
   *
   * @throws IllegalStateException when listening on a Unix socket
   */
  public int localPort() {
    return client.localAddress().getPort();
  }

  /** The broker's session ids of the connections relayed so far, oldest first. */
  public List<String> sessionIds() {
    return List.copyOf(sessionIds);
  }

  /** Completes when the broker says the grant expired or was revoked. */
  public CompletableFuture<CloseNotice> ended() {
    return ended;
  }

  @Override
  public void close() {
    if (keeper != null) {
      keeper.shutdownNow();
    }
    client.close();
  }
}
