package io.hoop.api;

import java.time.Instant;

/**
 * One tunnel session (one client connection) as {@code GET /v1/sessions} lists it.
 *
 * @param id session id, e.g. {@code s-...}
 * @param grantId grant the session ran under
 * @param role role of the grant; null when the grant named none
 * @param closedAt null while the session is open
 * @param closeReason why it ended ({@code client_closed}, {@code grant_expired}, ...); null while
 *     open
 * @param statements statements recorded (postgres engine sessions; 0 for raw relays)
 * @param blocked recorded statements a guardrail refused
 * @param dropped statements not recorded because the recorder was overloaded
 * @param engine the engine that relayed the session ({@code postgres}, {@code ssh}, {@code tcp}),
 *     which says what its statements are (SQL, ssh commands and transfers); null from brokers that
 *     do not send it
 */
public record SessionSummary(
    String id,
    String grantId,
    String principal,
    String target,
    String task,
    String role,
    Instant openedAt,
    Instant closedAt,
    long bytesUp,
    long bytesDown,
    String closeReason,
    long statements,
    long blocked,
    long dropped,
    String engine) {

  /** A summary without the engine, as brokers before it was sent build it. */
  public SessionSummary(
      String id,
      String grantId,
      String principal,
      String target,
      String task,
      String role,
      Instant openedAt,
      Instant closedAt,
      long bytesUp,
      long bytesDown,
      String closeReason,
      long statements,
      long blocked,
      long dropped) {
    this(
        id,
        grantId,
        principal,
        target,
        task,
        role,
        openedAt,
        closedAt,
        bytesUp,
        bytesDown,
        closeReason,
        statements,
        blocked,
        dropped,
        null);
  }

  /** This summary naming the engine that relayed it. */
  public SessionSummary withEngine(String engine) {
    return new SessionSummary(
        id,
        grantId,
        principal,
        target,
        task,
        role,
        openedAt,
        closedAt,
        bytesUp,
        bytesDown,
        closeReason,
        statements,
        blocked,
        dropped,
        engine);
  }
}
