package io.hoop.broker.grants;

import io.hoop.api.Approval;
import io.hoop.api.Durations;
import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.notify.Notifier;
import io.hoop.broker.policy.Decision;
import io.hoop.broker.policy.GrantPolicy;
import io.hoop.broker.policy.TaskRule;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.EntitlementStore;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.broker.token.TokenService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Takes grant requests: validates them, asks policy, stores the decision and audits it; shows
 * grants to the people allowed to see them.
 */
public final class GrantService {
  private static final int MAX_TASK = 200;
  private static final int MAX_REASON = 1000;
  private static final Duration MAX_REQUEST = Duration.ofDays(30);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final Supplier<BrokerConfig> config;
  private final GrantStore grants;
  private final EntitlementStore entitlements;
  private final AuditLog audit;
  private final TokenService tokens;
  private final Notifier notifier;
  private final Clock clock;

  public GrantService(
      Supplier<BrokerConfig> config,
      GrantStore grants,
      EntitlementStore entitlements,
      AuditLog audit,
      TokenService tokens,
      Notifier notifier,
      Clock clock) {
    this.config = config;
    this.grants = grants;
    this.entitlements = entitlements;
    this.audit = audit;
    this.tokens = tokens;
    this.notifier = notifier;
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
    if (req.task().length() > MAX_TASK) {
      throw new ApiException(
          400, "bad_task", "task id is longer than " + MAX_TASK + " characters", null);
    }
    Optional<String> badTask = TaskRule.check(target, req.task());
    if (badTask.isPresent()) {
      throw new ApiException(
          400, "bad_task", badTask.get(), "use a task id of the form the target expects");
    }
    Instant now = clock.instant();
    Decision d =
        GrantPolicy.decide(
            caller,
            target,
            entitlements.forTarget(target.name()),
            Duration.ofSeconds(req.durationSeconds()),
            now);
    boolean approved = d.outcome() == Decision.Outcome.APPROVED;
    boolean pending = d.outcome() == Decision.Outcome.PENDING;
    StoredGrant g =
        new StoredGrant(
            newId(),
            caller.name(),
            target.name(),
            target.type(),
            req.role(),
            req.task(),
            req.reason(),
            GrantStatus.valueOf(d.outcome().name()),
            d.reason(),
            d.duration(),
            now,
            approved ? now : null,
            approved ? now.plus(d.duration()) : null,
            null,
            d.entitlementId(),
            target.reviewers(),
            d.approvalsRequired(),
            pending ? now.plus(target.pendingTimeout()) : null);
    grants.insert(g);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("decision", d.reason());
    if (req.reason() != null) {
      details.put("reason", req.reason());
    }
    if (d.entitlementId() != null) {
      details.put("entitlement", d.entitlementId());
    }
    if (approved) {
      details.put("duration", Durations.format(d.duration()));
      details.put("expiresAt", g.expiresAt().toString());
    }
    if (pending) {
      details.put("duration", Durations.format(d.duration()));
      details.put("reviewers", d.reviewers());
      details.put("approvalsRequired", d.approvalsRequired());
      details.put("pendingExpiresAt", g.pendingExpiresAt().toString());
    }
    audit.append(
        "grant." + d.outcome().name().toLowerCase(java.util.Locale.ROOT),
        caller.name(),
        target.name(),
        g.id(),
        g.task(),
        details);
    notifier.grant(Event.valueOf(d.outcome().name()), g.id());
    String token =
        approved ? tokens.issueGrant(g.id(), caller.name(), target.name(), g.expiresAt()) : null;
    return g.toApi(now, token, List.of());
  }

  /**
   * A grant as its requester or one of its reviewers sees it; others get 404 so ids do not leak.
   * Only the requester gets the token, only while the grant is approved and unexpired, and only for
   * a grant that went through reviewers: that is how a requester whose request was pending picks up
   * access once it is approved. Grants approved at once returned their token with the request and
   * never hand it out again.
   */
  public Grant get(Principal caller, String id) throws ApiException {
    Instant now = clock.instant();
    StoredGrant g =
        grants
            .find(id)
            .filter(x -> x.principal().equals(caller.name()) || isReviewer(caller, x))
            .orElseThrow(
                () -> new ApiException(404, "unknown_grant", "no grant '" + id + "'", null));
    String token =
        g.principal().equals(caller.name())
                && g.approvalsRequired() > 0
                && g.effectiveStatus(now) == GrantStatus.APPROVED
            ? tokens.issueGrant(g.id(), g.principal(), g.target(), g.expiresAt())
            : null;
    return view(g, now, token);
  }

  /** The API view of a stored grant with its approvals. */
  public Grant view(StoredGrant g, Instant now, String token) {
    List<Approval> approvals =
        g.approvalsRequired() > 0 ? grants.approvals(g.id()) : List.<Approval>of();
    return g.toApi(now, token, approvals);
  }

  /**
   * Whether the caller reviews the grant's target: a member of its reviewer groups when it was
   * requested, or of the target's reviewer groups now.
   */
  public boolean isReviewer(Principal caller, StoredGrant g) {
    return g.reviewerGroups().stream().anyMatch(caller.groups()::contains)
        || config.get().target(g.target()).map(t -> t.isReviewer(caller.groups())).orElse(false);
  }

  static String newId() {
    char[] c = new char[12];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return "g-" + new String(c);
  }
}
