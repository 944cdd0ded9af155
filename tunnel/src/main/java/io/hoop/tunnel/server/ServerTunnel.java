package io.hoop.tunnel.server;

import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.internal.Relay;
import io.hoop.tunnel.protocol.CloseNotice;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One live, authorized tunnel: its relay, its deadline and its audit events. */
final class ServerTunnel {
  private static final Logger log = LoggerFactory.getLogger(ServerTunnel.class);

  /**
   * The longest an engine may hold the CLOSE back after its goodbye (see {@link
   * EngineSession#goodbyeGrace}).
   */
  static final Duration MAX_GOODBYE_GRACE = Duration.ofMillis(500);

  /** How long before the deadline the engine's client is warned. */
  static final Duration EXPIRY_NOTICE_LEAD = Duration.ofMinutes(5);

  private static final DateTimeFormatter CLOCK_TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final TunnelServer server;
  private final TunnelAuthorization authorization;
  private final Channel client;
  private final Relay relay;
  private EngineSession engine = EngineSession.NONE;
  private ScheduledFuture<?> deadline;
  private ScheduledFuture<?> notice;
  private boolean saidGoodbye;
  private final long handshakeNanos;

  /**
   * @param direct the client speaks the engine's protocol without tunnel frames ({@link
   *     TunnelServer#startDirect}): a connection that ends is a client that finished
   * @param handshakeNanos {@link System#nanoTime} when its handshake arrived (or its direct start)
   */
  ServerTunnel(
      TunnelServer server,
      TunnelAuthorization authorization,
      Channel client,
      Channel upstream,
      boolean direct,
      long handshakeNanos) {
    this.server = server;
    this.handshakeNanos = handshakeNanos;
    this.authorization = authorization;
    this.client = client;
    this.relay =
        new Relay(
            client,
            upstream,
            new Relay.Reasons(
                "client_closed",
                "upstream_closed",
                new CloseNotice(
                    "upstream_closed",
                    "target " + authorization.target() + " closed the connection"),
                direct ? "client_closed" : "client_disconnected"),
            "session=" + authorization.sessionId() + " grant=" + authorization.grantId(),
            this::ended,
            Relay.UPSTREAM_CLOSE_GRACE);
  }

  TunnelAuthorization authorization() {
    return authorization;
  }

  Relay relay() {
    return relay;
  }

  /**
   * Registers, reports and starts the tunnel, and arms the grant deadline (and, for an {@code
   * engine} session other than {@link EngineSession#NONE}, the expiry warning). On the event loop.
   */
  void start(EngineSession engine) {
    this.engine = engine;
    server.register(this);
    server.fireOpened(
        this, client.remoteAddress(), Duration.ofNanos(System.nanoTime() - handshakeNanos));
    log.info(
        "tunnel opened session={} grant={} principal={} target={} upstream={} deadline={}",
        authorization.sessionId(),
        authorization.grantId(),
        authorization.principal(),
        authorization.target(),
        authorization.upstream(),
        authorization.deadline());
    long delay =
        Math.max(0, Duration.between(server.clock().instant(), authorization.deadline()).toNanos());
    deadline =
        client
            .eventLoop()
            .schedule(
                () ->
                    close(
                        "grant_expired",
                        "grant "
                            + authorization.grantId()
                            + " for "
                            + authorization.target()
                            + " expired"),
                delay,
                TimeUnit.NANOSECONDS);
    if (engine != EngineSession.NONE) {
      // A grant shorter than the lead time is warned about at once (the engine holds the notice
      // until the client's session is ready).
      long warnIn = Math.max(0, delay - EXPIRY_NOTICE_LEAD.toNanos());
      notice = client.eventLoop().schedule(this::warnExpiry, warnIn, TimeUnit.NANOSECONDS);
    }
    relay.start();
  }

  /** Sends a CLOSE notice and closes both sides; the code doubles as the audit reason. */
  void close(String code, String message) {
    if (!client.eventLoop().inEventLoop()) {
      client.eventLoop().execute(() -> close(code, message));
      return;
    }
    if (saidGoodbye) {
      // a second close while the first waits out the engine's grace: the first one wins
      return;
    }
    saidGoodbye = true;
    engine.goodbye(code, goodbyeText(code, message), "grant_expired".equals(code) ? null : message);
    long grace = Math.min(engine.goodbyeGrace().toMillis(), MAX_GOODBYE_GRACE.toMillis());
    CloseNotice closing = new CloseNotice(code, message);
    if (grace <= 0) {
      relay.closeWith(closing, code);
    } else {
      client
          .eventLoop()
          .schedule(() -> relay.closeWith(closing, code), grace, TimeUnit.MILLISECONDS);
    }
  }

  /** The keepalive saw no frame from the client for its dead-peer timeout. On the event loop. */
  void unresponsive(long silentMillis) {
    log.info(
        "tunnel client unresponsive session={} grant={} silentMillis={}",
        authorization.sessionId(),
        authorization.grantId(),
        silentMillis);
    relay.closeWith(
        new CloseNotice(
            "client_unresponsive",
            "no frame from the client for "
                + silentMillis
                + " ms (the keepalive's dead-peer timeout is "
                + server.keepalive().deadPeerTimeout().toMillis()
                + " ms)"),
        "client_unresponsive");
    // A peer that reads nothing never lets the CLOSE be flushed: do not wait for it.
    client.close();
  }

  private String goodbyeText(String code, String message) {
    String grant = "hoop: grant " + authorization.grantId() + " for task " + authorization.task();
    return switch (code) {
      case "grant_expired" -> grant + " expired";
      case "grant_revoked" -> grant + " was revoked";
      default -> "hoop: the broker closed this session (" + code + "): " + message;
    };
  }

  private void warnExpiry() {
    Duration left = Duration.between(server.clock().instant(), authorization.deadline());
    if (left.isNegative() || left.isZero()) {
      return;
    }
    long seconds = Math.round(left.toMillis() / 1000.0);
    String in =
        seconds >= EXPIRY_NOTICE_LEAD.toSeconds() - 1
            ? "in 5 minutes"
            : seconds >= 60
                ? "in " + seconds / 60 + " min " + seconds % 60 + " s"
                : "in " + seconds + " seconds";
    engine.expiresSoon(
        "hoop: grant "
            + authorization.grantId()
            + " for task "
            + authorization.task()
            + " expires at "
            + CLOCK_TIME.format(authorization.deadline())
            + " UTC ("
            + in
            + ")");
  }

  private void ended(Relay.Ending ending) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (notice != null) {
      notice.cancel(false);
    }
    server.unregister(this);
    // The client's own CLOSE code is not trusted as the audit reason (it could claim anything).
    String reason = ending.received() != null ? "client_closed" : ending.reason();
    if ("upstream_closed".equals(reason) && engine.clientEnded()) {
      // the client said goodbye in its protocol and the target closed as asked
      reason = "client_closed";
    }
    log.info(
        "tunnel closed session={} grant={} reason={} bytesUp={} bytesDown={}",
        authorization.sessionId(),
        authorization.grantId(),
        reason,
        ending.bytesFromFramed(),
        ending.bytesFromRaw());
    server.fireClosed(this, ending.bytesFromFramed(), ending.bytesFromRaw(), reason);
  }
}
