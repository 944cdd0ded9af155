package io.hoop.api;

import java.time.Instant;
import java.util.List;

/**
 * One recorded statement of a postgres session.
 *
 * @param seq position in the session, from 1; a gap means statements were dropped
 * @param durationMicros until the statement's result, error or block
 * @param sql statement text as the client sent it
 * @param parameters bound parameters as text, masked by the target's detectors
 * @param rows rows returned or affected
 * @param commandTag the server's command tag, e.g. {@code SELECT 3}; empty when none
 * @param maskedFields result fields the masking rules rewrote
 * @param blocked whether a guardrail refused the statement
 * @param blockedBy the rule that refused it; empty when not blocked
 * @param error SQLSTATE and message of a server error; empty when none
 */
public record SessionStatement(
    int seq,
    Instant startedAt,
    long durationMicros,
    String sql,
    List<String> parameters,
    long rows,
    String commandTag,
    int maskedFields,
    boolean blocked,
    String blockedBy,
    String error) {}
