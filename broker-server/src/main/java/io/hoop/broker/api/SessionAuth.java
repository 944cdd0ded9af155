package io.hoop.broker.api;

import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import io.hoop.broker.token.DpopException;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.TokenService;

/**
 * Wraps routes that need a broker session: {@code Authorization: DPoP <token>} plus a {@code DPoP}
 * proof for key-bound tokens, {@code Authorization: Bearer <token>} only for unbound ones
 * (admin-minted). Revoked and expired sessions are refused.
 */
final class SessionAuth {
  private final TokenService tokens;

  SessionAuth(TokenService tokens) {
    this.tokens = tokens;
  }

  Route authed(AuthedRoute r) {
    return req -> {
      TokenService.SessionClaims caller = authenticate(tokens, req);
      try {
        return r.handle(req, caller);
      } catch (ApiException e) {
        // The refusal's audit record names the verified caller (e.g. a self-approval attempt).
        throw e.withPrincipal(caller.principal().name());
      }
    };
  }

  /** The verified session of a request, or the 401 that refuses it. */
  static TokenService.SessionClaims authenticate(TokenService tokens, ApiRequest req)
      throws ApiException {
    String h = req.header("authorization");
    boolean dpopScheme = h != null && h.regionMatches(true, 0, "DPoP ", 0, 5);
    if (h == null || !(dpopScheme || h.regionMatches(true, 0, "Bearer ", 0, 7))) {
      throw new ApiException(401, "unauthenticated", "not logged in", "run hoop login");
    }
    String token = h.substring(dpopScheme ? 5 : 7).trim();
    TokenService.SessionClaims claims;
    try {
      claims = tokens.verifySession(token);
    } catch (InvalidBrokerTokenException e) {
      throw new ApiException(401, e.code(), e.getMessage(), "run hoop login");
    }
    if (claims.bound()) {
      if (!dpopScheme) {
        throw new ApiException(
                401,
                DpopException.REQUIRED,
                "this session token is bound to a key: send it as Authorization: DPoP with a DPoP"
                    + " proof, not as Bearer",
                "run hoop login on this machine")
            .withPrincipal(claims.principal().name());
      }
      try {
        tokens
            .dpop()
            .verifyHttp(
                req.header("dpop"), req.method(), req.path(), token, claims.keyThumbprint());
      } catch (DpopException e) {
        // The session token verified; only the proof of its key failed (a stolen token, a
        // replayed proof): the refusal names whose session it was.
        throw new ApiException(401, e.code(), e.getMessage(), "run hoop login on this machine")
            .withPrincipal(claims.principal().name());
      }
    }
    return claims;
  }

  /** A route that runs with the verified session of its caller. */
  @FunctionalInterface
  interface AuthedRoute {
    ApiResponse handle(ApiRequest req, TokenService.SessionClaims caller) throws Exception;
  }
}
