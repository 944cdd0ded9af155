package io.hoop.engine.http;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.tunnel.engine.Refusal;
import io.hoop.tunnel.engine.SessionStep;
import java.time.Instant;
import java.util.List;

/**
 * A request the broker refused before it reached the target: by a rule ({@code deny}, a review not
 * approved) or because it could not be checked (a malformed or ambiguous request, a hostile path).
 * Audited as {@code http.denied} and shown in the session's timeline.
 *
 * @param method the request method as received (may be odd: it is what was refused)
 * @param target the request target as received, cut at 512 characters
 * @param status the status the client got (400, 403, 414, 431, 505)
 * @param rule the rule that refused it ({@code roles.ops.rules[1]}) or the check ({@code
 *     request.path}, {@code request.framing})
 * @param reason what the client was told
 */
public record HttpRequestBlocked(
    Instant startedAt, String method, String target, int status, String rule, String reason)
    implements SessionStep, Refusal {
  public HttpRequestBlocked {
    requireNonNull(startedAt, "startedAt");
    requireNonNull(method, "method");
    requireNonNull(target, "target");
    requireNonNull(rule, "rule");
    requireNonNull(reason, "reason");
    target = target.length() > 512 ? target.substring(0, 512) + "..." : target;
  }

  @Override
  public String kind() {
    return "request";
  }

  @Override
  public String detail() {
    return method + " " + target;
  }

  @Override
  public SessionStatement statement(int seq) {
    return new SessionStatement(
        seq, startedAt, 0, detail(), List.of(), 0, "HTTP " + status, 0, true, rule, reason);
  }
}
