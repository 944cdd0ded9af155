package io.hoop.broker.grants;

import io.hoop.api.Approval;
import io.hoop.api.Durations;
import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.GovernanceSection.Stage;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.governance.TaskChecker;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.notify.Notifier;
import io.hoop.broker.ops.BrokerMetrics;
import io.hoop.broker.policy.ApprovalRules;
import io.hoop.broker.policy.ApprovalStages;
import io.hoop.broker.policy.Decision;
import io.hoop.broker.policy.GrantPolicy;
import io.hoop.broker.policy.TaskRule;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.EntitlementStore;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredEntitlement;
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
  private final TaskChecker taskChecker;
  private final BrokerMetrics metrics;

  public GrantService(
      Supplier<BrokerConfig> config,
      GrantStore grants,
      EntitlementStore entitlements,
      AuditLog audit,
      TokenService tokens,
      Notifier notifier,
      Clock clock) {
    this(config, grants, entitlements, audit, tokens, notifier, clock, null);
  }

  /** As the other constructor, counting decisions and their latency in {@code metrics}. */
  public GrantService(
      Supplier<BrokerConfig> config,
      GrantStore grants,
      EntitlementStore entitlements,
      AuditLog audit,
      TokenService tokens,
      Notifier notifier,
      Clock clock,
      BrokerMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.grants = grants;
    this.entitlements = entitlements;
    this.audit = audit;
    this.tokens = tokens;
    this.notifier = notifier;
    this.clock = clock;
    this.taskChecker = new TaskChecker(clock);
  }

  /** The request's target, once the request is well formed and its task id fits the target. */
  private static TargetConfig validate(BrokerConfig cfg, GrantRequest req) throws ApiException {
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
    Optional<String> badRole = target.checkRole(req.role());
    if (badRole.isPresent()) {
      throw new ApiException(
          400, "unknown_role", badRole.get(), "ask for one of those roles with --role");
    }
    return target;
  }

  public Grant request(Principal caller, GrantRequest req) throws ApiException {
    long started = System.nanoTime();
    BrokerConfig cfg = config.get();
    TargetConfig target = validate(cfg, req);
    Instant now = clock.instant();
    Decision d =
        taskChecker.check(
            cfg.jira(),
            target,
            req.task(),
            caller,
            GrantPolicy.decide(
                caller,
                target,
                entitlements.forTarget(target.name()),
                Duration.ofSeconds(req.durationSeconds()),
                now));
    boolean approved = d.outcome() == Decision.Outcome.APPROVED;
    boolean pending = d.outcome() == Decision.Outcome.PENDING;
    StoredGrant g =
        new StoredGrant(
            newId(),
            caller.name(),
            target.name(),
            target.type(),
            target.resolveRole(req.role()),
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
    if (metrics != null) {
      // Counted once decided, stored and audited: a request the store refused is no decision.
      metrics.grantDecided(
          target.name(), BrokerMetrics.outcome(d.outcome()), System.nanoTime() - started);
    }
    String token =
        approved ? tokens.issueGrant(g.id(), caller.name(), target.name(), g.expiresAt()) : null;
    return g.toApi(now, token, List.of());
  }

  /**
   * Break-glass: immediate access on a target that allows it, for a caller with an active
   * entitlement there (reviewed or not), with a reason, capped at the target's break-glass maximum.
   * The task pattern applies but not the Jira check (Jira may be part of the emergency). The grant
   * is audited and notified at once and opens an after-the-fact review that one of the target's
   * reviewers closes ({@code hoop approve ID}).
   */
  public Grant breakGlass(Principal caller, GrantRequest req) throws ApiException {
    long started = System.nanoTime();
    BrokerConfig cfg = config.get();
    TargetConfig target = validate(cfg, req);
    if (!target.breakGlass()) {
      throw new ApiException(
          403,
          "break_glass_not_allowed",
          "target " + target.name() + " does not allow break-glass access",
          "ask for access normally: hoop connect " + target.name() + " --task " + req.task());
    }
    if (req.reason() == null || req.reason().isBlank()) {
      throw new ApiException(
          400,
          "reason_required",
          "break-glass access needs a reason",
          "pass --reason \"what is on fire\"");
    }
    Optional<StoredEntitlement> ent =
        entitlements.forTarget(target.name()).stream()
            .filter(StoredEntitlement::active)
            .filter(e -> e.appliesTo(caller.name(), caller.groups()))
            .findFirst();
    if (ent.isEmpty()) {
      throw new ApiException(
          403,
          "break_glass_not_entitled",
          "no entitlement covers "
              + caller.name()
              + " on target "
              + target.name()
              + "; break-glass is for people entitled to the target",
          null);
    }
    Instant now = clock.instant();
    Duration cap = min(target.rules().breakGlassMaxDuration(), target.maxDuration());
    Duration d =
        req.durationSeconds() == 0 ? cap : min(Duration.ofSeconds(req.durationSeconds()), cap);
    StoredGrant g =
        new StoredGrant(
            newId(),
            caller.name(),
            target.name(),
            target.type(),
            req.role(),
            req.task(),
            req.reason(),
            GrantStatus.APPROVED,
            "break-glass by "
                + caller.name()
                + "; after-the-fact review due from "
                + String.join(", ", target.reviewers())
                + (d.compareTo(cap) == 0 ? "; capped at " + Durations.format(cap) : ""),
            d,
            now,
            now,
            now.plus(d),
            null,
            ent.get().id(),
            target.reviewers(),
            0,
            null);
    grants.insert(g);
    grants.breakGlassReviews().open(g.id(), target.name(), caller.name(), now);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", req.reason());
    details.put("entitlement", ent.get().id());
    details.put("duration", Durations.format(d));
    details.put("expiresAt", g.expiresAt().toString());
    details.put("reviewers", target.reviewers());
    audit.append("grant.break_glass", caller.name(), target.name(), g.id(), g.task(), details);
    notifier.grant(Event.BREAK_GLASS, g.id());
    if (metrics != null) {
      metrics.grantDecided(target.name(), "break_glass", System.nanoTime() - started);
    }
    String token = tokens.issueGrant(g.id(), caller.name(), target.name(), g.expiresAt());
    return g.toApi(now, token, List.of());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
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

  /**
   * The API view of a stored grant with its approvals; a pending request on a target with several
   * approval stages says which stage it is in, at the start of its decision reason.
   */
  public Grant view(StoredGrant g, Instant now, String token) {
    List<Approval> approvals =
        g.approvalsRequired() > 0 ? grants.approvals(g.id()) : List.<Approval>of();
    if (g.effectiveStatus(now) == GrantStatus.PENDING) {
      List<Stage> stages = stagesOf(g);
      if (stages.size() > 1) {
        String where = ApprovalStages.of(stages, approvals, g.principal()).describe();
        return g.withDecisionReason(where + "; " + g.decisionReason()).toApi(now, token, approvals);
      }
    }
    return g.toApi(now, token, approvals);
  }

  /**
   * The approval stages of a request: the target's configured stages (read from the current
   * config), or the single stage the grant recorded (its reviewer groups and quorum).
   */
  public List<Stage> stagesOf(StoredGrant g) {
    return config
        .get()
        .target(g.target())
        .filter(t -> !t.rules().stages().isEmpty())
        .map(TargetConfig::stages)
        .orElseGet(() -> ApprovalRules.singleStage(g));
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
