package io.hoop.broker.api;

import io.hoop.api.GrantAction;
import io.hoop.broker.governance.HoldReviews;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.token.TokenService;

/**
 * Held operations in the JSON API: {@code GET /v1/holds?scope=pending|mine}, {@code GET
 * /v1/holds/{id}}, {@code POST /v1/holds/{id}/approve} ({@code {comment}}) and {@code /deny}
 * ({@code {reason}}), bodies read strictly like the grants'.
 */
public final class HoldRoutes {
  private static final int DEFAULT_LIMIT = 200;

  private final SessionAuth auth;
  private final HoldReviews holds;

  public HoldRoutes(TokenService tokens, HoldReviews holds) {
    this.auth = new SessionAuth(tokens);
    this.holds = holds;
  }

  public Router register(Router router) {
    router.add(
        "GET /v1/holds",
        auth.authed(
            (req, c) ->
                ApiResponse.json(
                    200, holds.list(c.principal(), req.query().get("scope"), limit(req)))));
    router.add(
        "GET /v1/holds/*",
        auth.authed(
            (req, c) -> ApiResponse.json(200, holds.show(c.principal(), Router.tail(req)))));
    router.add(
        "POST /v1/holds/*/approve",
        auth.authed(
            (req, c) -> ApiResponse.json(200, holds.approve(c.principal(), id(req), action(req)))));
    router.add(
        "POST /v1/holds/*/deny",
        auth.authed(
            (req, c) -> ApiResponse.json(200, holds.deny(c.principal(), id(req), action(req)))));
    return router;
  }

  private static int limit(ApiRequest req) throws ApiException {
    String limit = req.query().get("limit");
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    int n;
    try {
      n = Integer.parseInt(limit);
    } catch (NumberFormatException e) {
      throw new ApiException(400, "bad_request", "limit must be a number", null);
    }
    if (n < 1 || n > 1000) {
      throw new ApiException(400, "bad_request", "limit must be between 1 and 1000", null);
    }
    return n;
  }

  private static String id(ApiRequest req) {
    return Router.segment(req, 2);
  }

  private static GrantAction action(ApiRequest req) throws ApiException {
    return req.body().length == 0
        ? new GrantAction(null, null)
        : ApiRoutes.body(req, GrantAction.class);
  }
}
