package io.hoop.engine.postgres.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.tunnel.engine.SessionStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One statement as the engine saw it, for the session recording: what ran, with which parameters
 * (already masked by the content detectors), how long it took and what it returned.
 *
 * @param startedAt when the statement reached the engine
 * @param duration until its CommandComplete, ErrorResponse or block
 * @param sql the statement text as the client sent it
 * @param parameters bound parameter values as text, masked; empty for the simple protocol
 * @param rows rows returned or affected, from the command tag or the DataRows relayed
 * @param commandTag the upstream command tag (e.g. {@code SELECT 3}); empty when none came
 * @param maskedFields fields the masking rules rewrote in this statement's results
 * @param blocked whether a guardrail refused the statement
 * @param blockedBy the rule that refused it, empty when not blocked
 * @param error SQLSTATE and message of an upstream error, empty when none
 */
public record QueryEvent(
    Instant startedAt,
    Duration duration,
    String sql,
    List<String> parameters,
    long rows,
    String commandTag,
    int maskedFields,
    boolean blocked,
    String blockedBy,
    String error)
    implements SessionStep {
  public QueryEvent {
    requireNonNull(startedAt, "startedAt");
    requireNonNull(duration, "duration");
    requireNonNull(sql, "sql");
    parameters = List.copyOf(parameters);
    requireNonNull(commandTag, "commandTag");
    requireNonNull(blockedBy, "blockedBy");
    requireNonNull(error, "error");
  }

  @Override
  public SessionStatement statement(int seq) {
    return new SessionStatement(
        seq,
        startedAt,
        duration.toNanos() / 1000,
        sql,
        parameters,
        rows,
        commandTag,
        maskedFields,
        blocked,
        blockedBy,
        error);
  }
}
