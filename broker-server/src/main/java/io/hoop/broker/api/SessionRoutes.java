package io.hoop.broker.api;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionList;
import io.hoop.api.SessionSummary;
import io.hoop.api.TargetConnection;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.store.StatementStore;
import io.hoop.broker.token.TokenService;
import io.hoop.tunnel.engine.Engines;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Session recordings: {@code GET /v1/sessions} and {@code GET /v1/sessions/{id}}, plus {@code GET
 * /v1/targets/{name}/connection} for the CLI's connection hints. Callers see their own sessions;
 * reviewers of a target see that target's; members of {@value AuditRoutes#AUDITORS_GROUP} see all.
 */
public final class SessionRoutes {
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 1000;
  private static final int MAX_STATEMENTS = 10_000;
  private static final int MAX_FILTER_CHARS = 200;

  private final SessionAuth auth;
  private final Supplier<BrokerConfig> config;
  private final StatementStore store;
  private final Engines engines;
  private final java.util.function.Function<String, java.util.Optional<java.nio.file.Path>> casts;

  /**
   * @param engines the broker's engines, which describe how a client connects to their targets
   * @param casts the asciicast recording file of a session id, if it has one
   */
  public SessionRoutes(
      TokenService tokens,
      Supplier<BrokerConfig> config,
      StatementStore store,
      Engines engines,
      java.util.function.Function<String, java.util.Optional<java.nio.file.Path>> casts) {
    this.casts = casts;
    this.auth = new SessionAuth(tokens);
    this.config = config;
    this.store = store;
    this.engines = engines;
  }

  public Router register(Router router) {
    router.add("GET /v1/sessions", auth.authed(this::list));
    router.add("GET /v1/sessions/*", auth.authed(this::show));
    router.add("GET /v1/sessions/*/recording", auth.authed(this::recording));
    router.add("GET /v1/targets/*/connection", auth.authed(this::connection));
    return router;
  }

  private ApiResponse list(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    int limit = limit(req.query().get("limit"));
    List<SessionSummary> sessions =
        store.list(
            visibility(caller),
            filter(req, "task"),
            filter(req, "target"),
            filter(req, "user"),
            limit);
    return ApiResponse.json(200, new SessionList(sessions));
  }

  private ApiResponse show(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    String id = Router.tail(req);
    SessionSummary s = store.find(id).filter(found -> visible(caller, found)).orElse(null);
    if (s == null) {
      // The same answer whether it does not exist or is someone else's: ids do not leak.
      throw new ApiException(
          404, "unknown_session", "no such session that you may see", "hoop sessions list");
    }
    return ApiResponse.json(200, new SessionDetail(s, store.statements(id, MAX_STATEMENTS)));
  }

  /**
   * {@code GET /v1/sessions/{id}/recording}: the session's terminal recording (asciicast v2), to
   * whoever may see the session; 404 alike for unknown, invisible and unrecorded sessions.
   */
  private ApiResponse recording(ApiRequest req, TokenService.SessionClaims caller)
      throws ApiException {
    String id = Router.segment(req, 2);
    SessionSummary s = store.find(id).filter(found -> visible(caller, found)).orElse(null);
    java.util.Optional<java.nio.file.Path> file =
        s == null ? java.util.Optional.empty() : casts.apply(id);
    if (file.isEmpty() && s != null && s.recordingPurgedAt() != null) {
      throw new ApiException(
          410,
          "recording_purged",
          "the terminal recording of session "
              + id
              + " was removed by the broker's retention policy on "
              + s.recordingPurgedAt(),
          "hoop sessions show " + id + " has what is still known of it");
    }
    if (file.isEmpty()) {
      throw new ApiException(
          404,
          "no_recording",
          "no terminal recording of such a session that you may see",
          "hoop sessions list; only ssh sessions with a terminal (pty) are recorded");
    }
    try {
      return new ApiResponse(
              200,
              "application/x-asciicast",
              java.nio.file.Files.readAllBytes(file.get()),
              java.util.Map.of())
          .withHeader("Cache-Control", "no-store");
    } catch (java.io.IOException e) {
      throw new ApiException(
          500, "internal_error", "the recording of session " + id + " cannot be read", null);
    }
  }

  private ApiResponse connection(ApiRequest req, TokenService.SessionClaims caller)
      throws ApiException {
    String name = Router.segment(req, 2);
    TargetConfig t =
        config
            .get()
            .target(name)
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "unknown_target",
                        "no target named '" + name + "'",
                        "hoop targets lists the targets you may request"));
    TargetConnection base =
        new TargetConnection(
            t.name(), t.type(), t.engine(), null, t.roleNames(), t.resolveRole(null));
    TargetConnection described =
        engines.find(t.engine()).map(e -> e.describe(base, t.section())).orElse(base);
    return ApiResponse.json(200, described);
  }

  private StatementStore.Visibility visibility(TokenService.SessionClaims caller) {
    List<String> groups = caller.principal().groups();
    if (groups.contains(AuditRoutes.AUDITORS_GROUP)) {
      return new StatementStore.Visibility(true, caller.principal().name(), Set.of());
    }
    Set<String> reviewed =
        config.get().targets().stream()
            .filter(t -> t.isReviewer(groups))
            .map(TargetConfig::name)
            .collect(Collectors.toUnmodifiableSet());
    return new StatementStore.Visibility(false, caller.principal().name(), reviewed);
  }

  private boolean visible(TokenService.SessionClaims caller, SessionSummary s) {
    StatementStore.Visibility v = visibility(caller);
    return v.all()
        || v.principal().equals(s.principal())
        || v.reviewedTargets().contains(s.target());
  }

  private static int limit(String v) throws ApiException {
    if (v == null || v.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    int n;
    try {
      n = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ApiException(400, "bad_request", "limit must be a number", null);
    }
    if (n < 1 || n > MAX_LIMIT) {
      throw new ApiException(
          400, "bad_request", "limit " + n + " is out of range; expected 1-" + MAX_LIMIT, null);
    }
    return n;
  }

  private static String filter(ApiRequest req, String name) throws ApiException {
    String v = req.query().get(name);
    if (v != null && v.length() > MAX_FILTER_CHARS) {
      throw new ApiException(
          400,
          "bad_request",
          name + " is " + v.length() + " characters; expected at most " + MAX_FILTER_CHARS,
          null);
    }
    return v;
  }
}
