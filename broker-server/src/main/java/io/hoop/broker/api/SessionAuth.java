package io.hoop.broker.api;

import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.TokenService;

/** Wraps routes that need a broker session: {@code Authorization: Bearer <session token>}. */
final class SessionAuth {
  private final TokenService tokens;

  SessionAuth(TokenService tokens) {
    this.tokens = tokens;
  }

  Route authed(AuthedRoute r) {
    return req -> {
      String h = req.header("authorization");
      if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
        throw new ApiException(401, "unauthenticated", "not logged in", "run hoop login");
      }
      TokenService.SessionClaims claims;
      try {
        claims = tokens.verifySession(h.substring(7).trim());
      } catch (InvalidBrokerTokenException e) {
        throw new ApiException(401, "unauthenticated", e.getMessage(), "run hoop login");
      }
      return r.handle(req, claims);
    };
  }

  /** A route that runs with the verified session of its caller. */
  @FunctionalInterface
  interface AuthedRoute {
    ApiResponse handle(ApiRequest req, TokenService.SessionClaims caller) throws Exception;
  }
}
