package io.hoop.broker.api;

import io.hoop.broker.audit.AuditExporter;
import io.hoop.broker.audit.AuditTrail;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.token.TokenService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tamper-evident audit endpoints: {@code GET /v1/audit/export} (JSON Lines with hashes and
 * signed checkpoints) and {@code GET /v1/audit/public-key} (the key checkpoints are signed with).
 */
public final class AuditRoutes {
  /**
   * Members of this group export everyone's records; everybody else exports only their own. Fixed
   * until the config grows an auditor setting.
   */
  public static final String AUDITORS_GROUP = "auditors";

  static final String NDJSON = "application/x-ndjson";
  private static final int MAX_FILTER_CHARS = 200;

  private final TokenService tokens;
  private final AuditLog audit;
  private final AuditTrail trail;

  public AuditRoutes(TokenService tokens, AuditLog audit, AuditTrail trail) {
    this.tokens = tokens;
    this.audit = audit;
    this.trail = trail;
  }

  public Router register(Router router) {
    router.add(
        "GET /v1/audit/public-key",
        req ->
            new ApiResponse(
                200,
                "application/json",
                trail.signer().publicJwk().getBytes(StandardCharsets.UTF_8),
                Map.of()));
    router.add("GET /v1/audit/export", this::export);
    return router;
  }

  private ApiResponse export(ApiRequest req) throws ApiException {
    TokenService.SessionClaims caller = caller(req);
    Instant since = since(req.query().get("since"));
    String task = filter(req, "task");
    String target = filter(req, "target");
    boolean auditor = caller.principal().groups().contains(AUDITORS_GROUP);
    String principal = auditor ? null : caller.principal().name();
    AuditExporter.Result result;
    try {
      result =
          trail
              .exporter()
              .export(
                  new AuditExporter.Query(since, task, target, principal),
                  caller.principal().name());
    } catch (AuditExporter.TooLargeException e) {
      throw new ApiException(413, "export_too_large", e.getMessage(), "pass since=ISO-TIME");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("records", result.records());
    details.put("scope", auditor ? "all" : "own");
    if (since != null) {
      details.put("since", since.toString());
    }
    if (result.covered() != null) {
      // What retention may purge once this export exists.
      details.put("exportId", result.covered().id());
      details.put("fromSeq", result.covered().fromSeq());
      details.put("toSeq", result.covered().toSeq());
    }
    audit.append("audit.export", caller.principal().name(), target, null, task, details);
    return new ApiResponse(200, NDJSON, result.body(), Map.of("Cache-Control", "no-store"));
  }

  private static Instant since(String v) throws ApiException {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return v.length() == 10
          ? LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new ApiException(
          400,
          "bad_request",
          "since must be an ISO-8601 instant (2025-01-31T00:00:00Z) or a date (2025-01-31)",
          null);
    }
  }

  private static String filter(ApiRequest req, String name) throws ApiException {
    String v = req.query().get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.length() > MAX_FILTER_CHARS) {
      throw new ApiException(
          400,
          "bad_request",
          name + " is " + v.length() + " characters; expected at most " + MAX_FILTER_CHARS,
          null);
    }
    return v;
  }

  private TokenService.SessionClaims caller(ApiRequest req) throws ApiException {
    return SessionAuth.authenticate(tokens, req);
  }
}
