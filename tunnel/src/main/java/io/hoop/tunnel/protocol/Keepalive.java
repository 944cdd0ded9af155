package io.hoop.tunnel.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Tunnel keepalive: each end sends a PING frame every {@code interval}, and closes the tunnel (with
 * its upstream connection) when it has waited {@code deadPeerTimeout} for a frame from its peer
 * that never came. The broker chooses both and tells the client in its reply.
 *
 * @param interval time between two PINGs of one end
 * @param deadPeerTimeout time without any frame from the peer, while waiting for one, after which
 *     the peer counts as gone; at least twice {@code interval}, so one lost PING is not fatal
 */
public record Keepalive(Duration interval, Duration deadPeerTimeout) {
  /** Shortest interval a client accepts from a broker, so a hostile reply cannot make it flood. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  /** The default: a PING every 10 s, and a peer silent for 30 s is cut. */
  public static final Keepalive DEFAULT =
      new Keepalive(Duration.ofSeconds(10), Duration.ofSeconds(30));

  public Keepalive {
    requireNonNull(interval, "interval");
    requireNonNull(deadPeerTimeout, "deadPeerTimeout");
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "keepalive interval " + interval + " must be at least " + MIN_INTERVAL);
    }
    if (deadPeerTimeout.compareTo(interval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "deadPeerTimeout "
              + deadPeerTimeout
              + " must be at least twice the keepalive interval "
              + interval);
    }
  }

  /**
   * The keepalive a broker's reply asks for, or null when it names none (a broker older than
   * keepalives, or a reply with values this client refuses to follow).
   */
  public static Keepalive fromReply(HandshakeReply reply) {
    if (reply.keepaliveMillis() <= 0 || reply.deadPeerMillis() <= 0) {
      return null;
    }
    try {
      return new Keepalive(
          Duration.ofMillis(reply.keepaliveMillis()), Duration.ofMillis(reply.deadPeerMillis()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
