package io.hoop.broker.api;

import io.hoop.api.GrantAction;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantReuse;
import io.hoop.broker.grants.GrantLifecycle;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.token.TokenService;
import java.util.Objects;

/**
 * {@code POST /v1/grants/{id}/release} (the requester ends their own grant; body {@link
 * GrantAction} with an optional reason) and {@code POST /v1/grants/reuse} (body {@link
 * GrantRequest}: {@link GrantReuse}, the caller's live grant for the same use or none).
 */
public final class GrantLifecycleRoutes {
  private final SessionAuth auth;
  private final GrantLifecycle lifecycle;

  public GrantLifecycleRoutes(TokenService tokens, GrantLifecycle lifecycle) {
    this.auth = new SessionAuth(Objects.requireNonNull(tokens, "tokens"));
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
  }

  public Router register(Router router) {
    router.add("POST /v1/grants/*/release", auth.authed(this::release));
    router.add("POST /v1/grants/reuse", auth.authed(this::reuse));
    return router;
  }

  private ApiResponse release(ApiRequest req, TokenService.SessionClaims caller)
      throws ApiException {
    GrantAction action = req.body().length == 0 ? null : ApiRoutes.body(req, GrantAction.class);
    return ApiResponse.json(
        200,
        lifecycle.release(
            caller.principal(), Router.segment(req, 2), action == null ? null : action.reason()));
  }

  private ApiResponse reuse(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    return ApiResponse.json(
        200,
        new GrantReuse(
            lifecycle
                .reuse(caller.principal(), ApiRoutes.body(req, GrantRequest.class))
                .orElse(null)));
  }
}
