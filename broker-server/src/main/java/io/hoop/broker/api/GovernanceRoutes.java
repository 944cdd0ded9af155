package io.hoop.broker.api;

import io.hoop.api.GrantAction;
import io.hoop.api.GrantRequest;
import io.hoop.api.ReviewAction;
import io.hoop.broker.governance.ApprovalService;
import io.hoop.broker.governance.ReviewService;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.token.TokenService;

/**
 * The governance part of the JSON API: grant lists for requesters and reviewers, approve / deny /
 * revoke, and access reviews. Shapes are documented in {@code io.hoop.api}.
 */
public final class GovernanceRoutes {
  private static final int DEFAULT_LIMIT = 200;

  private final SessionAuth auth;
  private final ApprovalService approvals;
  private final ReviewService reviews;

  public GovernanceRoutes(TokenService tokens, ApprovalService approvals, ReviewService reviews) {
    this.auth = new SessionAuth(tokens);
    this.approvals = approvals;
    this.reviews = reviews;
  }

  public Router register(Router router) {
    router.add("GET /v1/grants", auth.authed(this::list));
    router.add(
        "POST /v1/grants/break-glass",
        auth.authed(
            (req, c) ->
                ApiResponse.json(
                    200,
                    approvals.breakGlass(c.principal(), ApiRoutes.body(req, GrantRequest.class)))));
    router.add(
        "POST /v1/grants/*/approve",
        auth.authed(
            (req, c) ->
                ApiResponse.json(200, approvals.approve(c.principal(), id(req), action(req)))));
    router.add(
        "POST /v1/grants/*/deny",
        auth.authed(
            (req, c) ->
                ApiResponse.json(200, approvals.deny(c.principal(), id(req), action(req)))));
    router.add(
        "POST /v1/grants/*/revoke",
        auth.authed(
            (req, c) ->
                ApiResponse.json(200, approvals.revoke(c.principal(), id(req), action(req)))));
    router.add(
        "GET /v1/reviews",
        auth.authed(
            (req, c) ->
                ApiResponse.json(
                    200, reviews.list(c.principal(), flag(req.query().get("due"), "due")))));
    router.add(
        "POST /v1/reviews/*/certify",
        auth.authed(
            (req, c) ->
                ApiResponse.json(200, reviews.certify(c.principal(), id(req), review(req)))));
    router.add(
        "POST /v1/reviews/*/revoke",
        auth.authed(
            (req, c) ->
                ApiResponse.json(200, reviews.revoke(c.principal(), id(req), review(req)))));
    return router;
  }

  private ApiResponse list(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    String limit = req.query().get("limit");
    int n = DEFAULT_LIMIT;
    if (limit != null) {
      try {
        n = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw new ApiException(400, "bad_request", "limit must be a number", null);
      }
      if (n < 1 || n > 1000) {
        throw new ApiException(400, "bad_request", "limit must be between 1 and 1000", null);
      }
    }
    return ApiResponse.json(200, approvals.list(caller.principal(), req.query().get("scope"), n));
  }

  /** The id segment of {@code /v1/<things>/{id}/<action>}. */
  private static String id(ApiRequest req) {
    return Router.segment(req, 2);
  }

  private static GrantAction action(ApiRequest req) throws ApiException {
    return req.body().length == 0
        ? new GrantAction(null, null)
        : ApiRoutes.body(req, GrantAction.class);
  }

  private static ReviewAction review(ApiRequest req) throws ApiException {
    return req.body().length == 0
        ? new ReviewAction(null, null, null)
        : ApiRoutes.body(req, ReviewAction.class);
  }

  private static boolean flag(String v, String name) throws ApiException {
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true") || v.isEmpty()) {
      return true;
    }
    throw new ApiException(400, "bad_request", name + " must be true or false", null);
  }
}
