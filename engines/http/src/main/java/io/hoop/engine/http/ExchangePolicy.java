package io.hoop.engine.http;

import io.hoop.engine.http.policy.RequestTarget;
import io.netty.handler.codec.http.HttpRequest;

/**
 * How the proxy treats each request of a tunnel: whether it goes on (and how its answer is masked),
 * what the broker's own refusals look like, and what a stream cut by the broker's goodbye ends
 * with. The http engine's is the role's method and path rules ({@link RolePolicy}); an engine built
 * on the same proxy (kubernetes) brings its own. Pure; called on the proxy's event loop.
 */
public interface ExchangePolicy {
  /**
   * The decision for {@code request}, whose request target the proxy already normalised (a target
   * it could not normalise is refused before this is asked).
   */
  ExchangeDecision decide(HttpRequest request, RequestTarget target);

  /**
   * The JSON body of the broker's own error answer (a refusal, an unreachable target, the grant
   * ending), or null for the proxy's {@code {"error","rule","message"}} body.
   *
   * @param rule the rule or check, null when none
   */
  default String errorBody(int status, String error, String rule, String message) {
    return null;
  }

  /**
   * What a chunked response in progress gets as its last bytes when the broker ends the tunnel (so
   * the client reads why), or null to cut it without a word.
   *
   * @param contentType the response's Content-Type, null when it has none
   */
  default String farewell(String contentType, String message) {
    return null;
  }
}
