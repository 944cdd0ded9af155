package io.hoop.tunnel.engine;

/**
 * One tunnel as its engine runs it: told about the grant's expiry warning and about the broker
 * ending the tunnel, so it can say so in the client's own protocol. Every method runs on the
 * tunnel's event loop and must not block.
 */
public interface EngineSession {
  /** A session with nothing to say: bytes are relayed as they are. */
  EngineSession NONE = new EngineSession() {};

  /**
   * The grant ends soon ({@code message} names grant, task and time, e.g. {@code hoop: grant g-1
   * for task T-1 expires at 12:00:00 UTC (in 5 minutes)}). Sent at most once, five minutes before
   * the deadline or at once for a shorter grant. Default: nothing.
   */
  default void expiresSoon(String message) {}

  /**
   * The broker ends the tunnel: {@code code} is why ({@code grant_expired}, {@code grant_revoked},
   * {@code broker_shutdown}, ...), {@code message} the text for the user (naming grant and task),
   * {@code detail} more context or null. The tunnel's CLOSE follows right after. Default: nothing.
   */
  default void goodbye(String code, String message, String detail) {}

  /**
   * How long the broker holds the CLOSE back after {@link #goodbye}, so bytes the engine wrote for
   * the goodbye still reach the client through the relay (ssh: the message travels as SSH channel
   * data from the engine's own server end). At most 500 ms; default none.
   */
  default java.time.Duration goodbyeGrace() {
    return java.time.Duration.ZERO;
  }

  /**
   * Whether the client ended the session in its own protocol (PostgreSQL's Terminate): the target
   * closing right after is then the client's doing, and the tunnel is recorded as {@code
   * client_closed}, not {@code upstream_closed}. Default: false.
   */
  default boolean clientEnded() {
    return false;
  }
}
