package io.hoop.broker.grants;

import io.hoop.api.Durations;
import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.policy.GrantDecision;
import io.hoop.broker.policy.GrantPolicy;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.broker.token.TokenService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Takes grant requests: validates them, asks policy, stores the decision and audits it. */
public final class GrantService {
  private static final Pattern TASK = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,127}$");
  private static final int MAX_REASON = 1000;
  private static final Duration MAX_REQUEST = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final Supplier<BrokerConfig> config;
  private final GrantStore grants;
  private final AuditLog audit;
  private final TokenService tokens;
  private final Clock clock;

  public GrantService(
      Supplier<BrokerConfig> config,
      GrantStore grants,
      AuditLog audit,
      TokenService tokens,
      Clock clock) {
    this.config = config;
    this.grants = grants;
    this.audit = audit;
    this.tokens = tokens;
    this.clock = clock;
  }

  public Grant request(Principal caller, GrantRequest req) throws ApiException {
    if (req == null || req.target() == null || req.target().isBlank()) {
      throw new ApiException(400, "bad_request", "target is required", "hoop targets lists them");
    }
    if (req.task() == null || req.task().isBlank()) {
      throw new ApiException(
          400, "task_required", "every grant needs a task id", "pass --task, e.g. --task JIRA-123");
    }
    if (!TASK.matcher(req.task()).matches()) {
      throw new ApiException(
          400,
          "bad_task",
          "task id must be 1-128 letters, digits or . _ : # / - and start with a letter or digit",
          "e.g. --task JIRA-123");
    }
    if (req.reason() != null && req.reason().length() > MAX_REASON) {
      throw new ApiException(
          400, "bad_request", "reason is longer than " + MAX_REASON + " characters", null);
    }
    if (req.durationSeconds() < 0 || req.durationSeconds() > MAX_REQUEST.getSeconds()) {
      throw new ApiException(
          400,
          "bad_duration",
          "duration must be between 0 and " + Durations.format(MAX_REQUEST),
          "e.g. --duration 30m");
    }
    BrokerConfig cfg = config.get();
    TargetConfig target =
        cfg.target(req.target())
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "unknown_target",
                        "no target named '" + req.target() + "'",
                        "hoop targets lists the targets you may request"));
    GrantDecision d =
        GrantPolicy.decide(
            caller, target, cfg.entitlements(), Duration.ofSeconds(req.durationSeconds()));
    Instant now = clock.instant();
    StoredGrant g =
        new StoredGrant(
            newId(),
            caller.name(),
            target.name(),
            target.type(),
            req.role(),
            req.task(),
            req.reason(),
            d.approved() ? GrantStatus.APPROVED : GrantStatus.DENIED,
            d.reason(),
            d.duration(),
            now,
            d.approved() ? now : null,
            d.approved() ? now.plus(d.duration()) : null);
    grants.insert(g);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("decision", d.reason());
    if (req.reason() != null) {
      details.put("reason", req.reason());
    }
    if (d.approved()) {
      details.put("duration", Durations.format(d.duration()));
      details.put("expiresAt", g.expiresAt().toString());
    }
    audit.append(
        d.approved() ? "grant.approved" : "grant.denied",
        caller.name(),
        target.name(),
        g.id(),
        g.task(),
        details);
    String token =
        d.approved()
            ? tokens.issueGrant(g.id(), caller.name(), target.name(), g.expiresAt())
            : null;
    return g.toApi(now, token);
  }

  /** A grant its requester may see; others get 404 so ids do not leak. */
  public Grant get(Principal caller, String id) throws ApiException {
    StoredGrant g =
        grants
            .find(id)
            .filter(x -> x.principal().equals(caller.name()))
            .orElseThrow(
                () -> new ApiException(404, "unknown_grant", "no grant '" + id + "'", null));
    return g.toApi(clock.instant(), null);
  }

  static String newId() {
    char[] c = new char[12];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return "g-" + new String(c);
  }
}
