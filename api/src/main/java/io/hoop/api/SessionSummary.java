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
 * @param recordingPurgedAt when retention removed the session's terminal recording; null while it
 *     is kept (or from brokers without retention)
 * @param statementsPurgedAt when retention removed the session's recorded statements; null while
 *     they are kept
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
    String engine,
    Instant recordingPurgedAt,
    Instant statementsPurgedAt) {

  /** A summary of which retention removed nothing. */
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
      long dropped,
      String engine) {
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
        engine,
        null,
        null);
  }

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
        null,
        null,
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
        engine,
        recordingPurgedAt,
        statementsPurgedAt);
  }

  /** This summary with what retention removed from the session. */
  public SessionSummary withPurges(Instant recordingPurgedAt, Instant statementsPurgedAt) {
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
        engine,
        recordingPurgedAt,
        statementsPurgedAt);
  }
}
