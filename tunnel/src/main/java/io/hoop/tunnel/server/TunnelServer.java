package io.hoop.tunnel.server;

import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.internal.TunnelEncoder;
import io.hoop.tunnel.protocol.Keepalive;
import io.netty.channel.ChannelPipeline;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker end of tunnels: installs the tunnel protocol on a TLS connection that started with the
 * magic, authorizes the handshake, relays to the upstream and closes every tunnel at its grant's
 * deadline or on revoke.
 */
public final class TunnelServer {
  /** How long a client has to send a complete handshake. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** How long dialing the upstream may take before the tunnel is refused. */
  public static final Duration UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(TunnelServer.class);

  private final TunnelAuthorizer authorizer;
  private final TunnelEvents events;
  private final Executor executor;
  private final Clock clock;
  private final Duration handshakeTimeout;
  private final Keepalive keepalive;
  private final Engines engines;
  private final UpstreamDialer dialer;
  private final Set<ServerTunnel> live = ConcurrentHashMap.newKeySet();
  // Per-tunnel chains keep opened before closed even on a multi-threaded executor.
  private final Map<ServerTunnel, CompletableFuture<Void>> eventChains = new ConcurrentHashMap<>();

  /**
   * @param authorizer decides handshakes; called on {@code executor}
   * @param events audit callbacks; called on {@code executor}
   * @param executor runs blocking work (authorization, events), never an event loop
   * @param clock source of "now" for deadlines
   */
  public TunnelServer(
      TunnelAuthorizer authorizer, TunnelEvents events, Executor executor, Clock clock) {
    this(authorizer, events, executor, clock, DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** As {@link #TunnelServer(TunnelAuthorizer, TunnelEvents, Executor, Clock)} with a timeout. */
  public TunnelServer(
      TunnelAuthorizer authorizer,
      TunnelEvents events,
      Executor executor,
      Clock clock,
      Duration handshakeTimeout) {
    this(authorizer, events, executor, clock, handshakeTimeout, Keepalive.DEFAULT);
  }

  /**
   * As {@link #TunnelServer(TunnelAuthorizer, TunnelEvents, Executor, Clock, Duration)} with the
   * {@code keepalive} every tunnel runs with: a client that does not send PINGs is refused, one
   * that falls silent is cut with its upstream connection. Runs only the {@code tcp} engine.
   */
  public TunnelServer(
      TunnelAuthorizer authorizer,
      TunnelEvents events,
      Executor executor,
      Clock clock,
      Duration handshakeTimeout,
      Keepalive keepalive) {
    this(authorizer, events, executor, clock, handshakeTimeout, keepalive, Engines.tcpOnly());
  }

  /**
   * As {@link #TunnelServer(TunnelAuthorizer, TunnelEvents, Executor, Clock, Duration, Keepalive)}
   * with the {@code engines} tunnels may name; a tunnel naming another engine is refused.
   */
  public TunnelServer(
      TunnelAuthorizer authorizer,
      TunnelEvents events,
      Executor executor,
      Clock clock,
      Duration handshakeTimeout,
      Keepalive keepalive,
      Engines engines) {
    this(
        authorizer,
        events,
        executor,
        clock,
        handshakeTimeout,
        keepalive,
        engines,
        UpstreamDialer.DIRECT);
  }

  /**
   * As {@link #TunnelServer(TunnelAuthorizer, TunnelEvents, Executor, Clock, Duration, Keepalive,
   * Engines)} with the {@code dialer} that reaches each tunnel's route (e.g. through an agent).
   */
  public TunnelServer(
      TunnelAuthorizer authorizer,
      TunnelEvents events,
      Executor executor,
      Clock clock,
      Duration handshakeTimeout,
      Keepalive keepalive,
      Engines engines,
      UpstreamDialer dialer) {
    this.dialer = Objects.requireNonNull(dialer, "dialer");
    this.engines = Objects.requireNonNull(engines, "engines");
    this.keepalive = Objects.requireNonNull(keepalive, "keepalive");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.events = Objects.requireNonNull(events, "events");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "handshakeTimeout " + handshakeTimeout + " must be positive");
    }
  }

  /**
   * Installs the tunnel handlers at the end of {@code pipeline}, which must already decrypt TLS.
   * Call it from the port-unification handler after it has seen the magic, before it removes
   * itself: the magic must still be in the stream, the decoder reads and checks it.
   */
  public void configure(ChannelPipeline pipeline) {
    pipeline.addLast("hoop-handshake", new HandshakeDecoder());
    pipeline.addLast("hoop-encoder", new TunnelEncoder());
    pipeline.addLast("hoop-tunnel", new ServerTunnelHandler(this));
  }

  /**
   * Runs the session of a client that authenticated to the broker outside the tunnel protocol, on
   * its own port and in the engine's protocol (e.g. PostgreSQL with a grant-bound password): the
   * authorization's engine is installed on {@code client} exactly as on a tunnel, the session is
   * audited, closed at the grant's deadline and by {@link #closeGrant}, like every tunnel. The
   * client's pipeline must already decrypt TLS and carry no handler that reads after this call.
   * Call it on {@code client}'s event loop.
   *
   * @param authorization what the session may do, from the broker's authorizer
   * @param callbacks told on the event loop whether the session started
   */
  public void startDirect(
      io.netty.channel.Channel client, TunnelAuthorization authorization, DirectClient callbacks) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(callbacks, "callbacks");
    if (!client.eventLoop().inEventLoop()) {
      throw new IllegalStateException("startDirect must run on the client's event loop");
    }
    new DirectTunnelStart(this, client, authorization, callbacks).run();
  }

  /**
   * Audits a direct client refused before its session could start (no TLS, a bad password): the
   * same event as a refused tunnel.
   */
  public void rejectDirect(SocketAddress remote, String code, String message, TunnelParty party) {
    fireRejected(remote, code, message, Objects.requireNonNull(party, "party"));
  }

  /**
   * Closes every live tunnel of {@code grantId}, sending each a CLOSE notice with {@code code}
   * (e.g. {@code grant_revoked}) and {@code message}.
   *
   * @return how many tunnels were closed
   */
  public int closeGrant(String grantId, String code, String message) {
    Objects.requireNonNull(grantId, "grantId");
    int closed = close(a -> grantId.equals(a.grantId()), code, message);
    log.info("tunnels closed grant={} code={} count={}", grantId, code, closed);
    return closed;
  }

  /**
   * Closes every live tunnel whose authorization {@code which} selects, with a CLOSE notice.
   *
   * @return how many tunnels were closed
   */
  public int close(
      java.util.function.Predicate<TunnelAuthorization> which, String code, String message) {
    Objects.requireNonNull(which, "which");
    int closed = 0;
    for (ServerTunnel tunnel : live) {
      if (which.test(tunnel.authorization())) {
        tunnel.close(code, message);
        closed++;
      }
    }
    return closed;
  }

  /** The authorizations of the tunnels relaying now. */
  public java.util.List<TunnelAuthorization> live() {
    java.util.List<TunnelAuthorization> out = new java.util.ArrayList<>(live.size());
    for (ServerTunnel tunnel : live) {
      out.add(tunnel.authorization());
    }
    return out;
  }

  /**
   * Closes the live tunnels of the sessions {@code sessionIds}, sending each a CLOSE notice with
   * {@code code} (e.g. {@code agent_disconnected}) and {@code message}.
   *
   * @return how many tunnels were closed
   */
  public int closeSessions(java.util.Collection<String> sessionIds, String code, String message) {
    Objects.requireNonNull(sessionIds, "sessionIds");
    int closed = 0;
    for (ServerTunnel tunnel : live) {
      if (sessionIds.contains(tunnel.authorization().sessionId())) {
        tunnel.close(code, message);
        closed++;
      }
    }
    if (closed > 0) {
      log.info("tunnels closed code={} count={}", code, closed);
    }
    return closed;
  }

  /**
   * Closes every live tunnel with a CLOSE notice, e.g. {@code broker_shutdown} at shutdown.
   *
   * @return how many tunnels were closed
   */
  public int closeAll(String code, String message) {
    int closed = 0;
    for (ServerTunnel tunnel : live) {
      tunnel.close(code, message);
      closed++;
    }
    log.info("tunnels closed code={} count={}", code, closed);
    return closed;
  }

  /** Number of tunnels currently relaying. */
  public int activeTunnels() {
    return live.size();
  }

  TunnelAuthorizer authorizer() {
    return authorizer;
  }

  Executor executor() {
    return executor;
  }

  Clock clock() {
    return clock;
  }

  Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  Keepalive keepalive() {
    return keepalive;
  }

  Engines engines() {
    return engines;
  }

  UpstreamDialer dialer() {
    return dialer;
  }

  void register(ServerTunnel tunnel) {
    live.add(tunnel);
  }

  void unregister(ServerTunnel tunnel) {
    live.remove(tunnel);
  }

  void fireRejected(SocketAddress remote, String code, String message, TunnelParty party) {
    dispatch(() -> events.rejected(remote, code, message, party));
  }

  /**
   * Records {@code tunnel} as opened on the executor; the future completes once the event listener
   * returned (exceptionally when the executor refused the work). {@link #fireOpened} is then a
   * no-op for it.
   */
  CompletableFuture<Void> recordOpened(
      ServerTunnel tunnel, SocketAddress remote, Duration handshake) {
    try {
      CompletableFuture<Void> recorded =
          CompletableFuture.runAsync(
              () -> safely(() -> events.opened(tunnel.authorization(), remote, handshake)),
              executor);
      eventChains.put(tunnel, recorded);
      return recorded;
    } catch (RejectedExecutionException e) {
      log.warn(
          "tunnel refused, executor rejected its open event session={}",
          tunnel.authorization().sessionId());
      return CompletableFuture.failedFuture(
          new IllegalStateException("the broker is overloaded, retry in a moment", e));
    }
  }

  void fireOpened(ServerTunnel tunnel, SocketAddress remote, Duration handshake) {
    if (eventChains.containsKey(tunnel)) {
      return;
    }
    try {
      eventChains.put(
          tunnel,
          CompletableFuture.runAsync(
              () -> safely(() -> events.opened(tunnel.authorization(), remote, handshake)),
              executor));
    } catch (RejectedExecutionException e) {
      log.warn(
          "tunnel event dropped, executor rejected it session={}",
          tunnel.authorization().sessionId());
    }
  }

  void fireClosed(ServerTunnel tunnel, long bytesUp, long bytesDown, String reason) {
    CompletableFuture<Void> previous = eventChains.remove(tunnel);
    Runnable closed =
        () -> safely(() -> events.closed(tunnel.authorization(), bytesUp, bytesDown, reason));
    try {
      if (previous == null) {
        CompletableFuture.runAsync(closed, executor);
      } else {
        previous.thenRunAsync(closed, executor);
      }
    } catch (RejectedExecutionException e) {
      log.warn(
          "tunnel event dropped, executor rejected it session={}",
          tunnel.authorization().sessionId());
    }
  }

  private void dispatch(Runnable event) {
    try {
      executor.execute(() -> safely(event));
    } catch (RejectedExecutionException e) {
      log.warn("tunnel event dropped, executor rejected it");
    }
  }

  private static void safely(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      log.warn("tunnel event listener failed", e);
    }
  }
}
