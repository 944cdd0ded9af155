package io.hoop.engine.http;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.tunnel.engine.SessionStep;
import java.time.Instant;
import java.util.List;

/**
 * One request of an http session as recorded: what was asked, what the target answered, how much
 * went each way and what the masking rewrote. An upgraded request (WebSocket) is one step when its
 * stream ends, with status 101 and the stream's byte counts.
 *
 * @param method the request method
 * @param path the normalised path and the query, as sent to the target
 * @param status the status sent to the client (the target's, or the broker's own 502/503)
 * @param requestBytes body bytes from the client
 * @param responseBytes body bytes to the client
 * @param maskedFields JSON values the masking rewrote
 * @param rule the rule that allowed it, e.g. {@code roles.ops.rules[0]}
 * @param error why the exchange failed (target unreachable, masking refused the body); empty when
 *     none
 */
public record HttpRequestStep(
    Instant startedAt,
    long durationMicros,
    String method,
    String path,
    int status,
    long requestBytes,
    long responseBytes,
    int maskedFields,
    String rule,
    String error)
    implements SessionStep {
  public HttpRequestStep {
    requireNonNull(startedAt, "startedAt");
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    requireNonNull(rule, "rule");
    requireNonNull(error, "error");
  }

  @Override
  public SessionStatement statement(int seq) {
    return new SessionStatement(
        seq,
        startedAt,
        durationMicros,
        method + " " + path,
        List.of("requestBytes=" + requestBytes, "responseBytes=" + responseBytes, "rule=" + rule),
        responseBytes,
        "HTTP " + status,
        maskedFields,
        false,
        "",
        error);
  }
}
