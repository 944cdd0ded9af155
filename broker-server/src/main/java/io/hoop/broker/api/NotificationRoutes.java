package io.hoop.broker.api;

import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.notify.DeliveryLog;
import io.hoop.broker.notify.DeliveryRecord;
import io.hoop.broker.token.TokenService;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /v1/notifications/deliveries[?grant=ID][&limit=N]}: webhook delivery attempts, newest
 * first, for members of a reviewer group (or {@code auditors}).
 */
public final class NotificationRoutes {
  private static final int DEFAULT_LIMIT = 200;
  private static final int MAX_LIMIT = 1000;

  private final SessionAuth auth;
  private final Supplier<BrokerConfig> config;
  private final DeliveryLog deliveries;

  public NotificationRoutes(
      TokenService tokens, Supplier<BrokerConfig> config, DeliveryLog deliveries) {
    this.auth = new SessionAuth(tokens);
    this.config = config;
    this.deliveries = deliveries;
  }

  /** The list as the API returns it. */
  public record DeliveryList(List<DeliveryRecord> deliveries) {}

  public Router register(Router router) {
    router.add("GET /v1/notifications/deliveries", auth.authed(this::list));
    return router;
  }

  private ApiResponse list(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    List<String> groups = caller.principal().groups();
    boolean reviewer =
        groups.contains("auditors")
            || config.get().targets().stream().anyMatch(t -> t.isReviewer(groups));
    if (!reviewer) {
      throw new ApiException(
          403,
          "forbidden",
          caller.principal().name() + " is in no reviewer group; deliveries are for reviewers",
          null);
    }
    int limit = DEFAULT_LIMIT;
    String l = req.query().get("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new ApiException(
            400, "bad_request", "limit must be a number between 1 and " + MAX_LIMIT, null);
      }
    }
    return ApiResponse.json(
        200, new DeliveryList(deliveries.list(req.query().get("grant"), limit)));
  }
}
