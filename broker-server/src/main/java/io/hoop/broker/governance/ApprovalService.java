package io.hoop.broker.governance;

import io.hoop.api.Approval;
import io.hoop.api.Durations;
import io.hoop.api.Grant;
import io.hoop.api.GrantAction;
import io.hoop.api.GrantList;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.GovernanceSection.Stage;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.grants.GrantService;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.notify.Notifier;
import io.hoop.broker.ops.BrokerMetrics;
import io.hoop.broker.policy.ApprovalRules;
import io.hoop.broker.policy.ApprovalStages;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.BreakGlassReviews;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Approve, deny and revoke grants, and the lists reviewers work from. The rules are {@link
 * ApprovalRules}; this class applies them to the store, audits every decision and closes the live
 * tunnels of revoked grants.
 */
public final class ApprovalService {
  private static final int MAX_LIST = 1000;

  private final Supplier<BrokerConfig> config;
  private final GrantStore grants;
  private final GrantService grantService;
  private final AuditLog audit;
  private final TunnelCloser tunnels;
  private final Notifier notifier;
  private final Clock clock;
  private final BrokerMetrics metrics;

  public ApprovalService(
      Supplier<BrokerConfig> config,
      GrantStore grants,
      GrantService grantService,
      AuditLog audit,
      TunnelCloser tunnels,
      Notifier notifier,
      Clock clock,
      BrokerMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.grants = grants;
    this.grantService = grantService;
    this.audit = audit;
    this.tunnels = tunnels;
    this.notifier = notifier;
    this.clock = clock;
  }

  /**
   * Grants newest first, without tokens. {@code mine}: the caller's; {@code pending}: pending
   * requests the caller may approve and has not approved yet; {@code all}: every grant, for members
   * of any reviewer group only.
   */
  public GrantList list(Principal caller, String scope, int limit) throws ApiException {
    Instant now = clock.instant();
    int n = Math.min(Math.max(limit, 1), MAX_LIST);
    List<StoredGrant> rows;
    switch (scope == null ? "mine" : scope) {
      case "mine" -> rows = grants.byPrincipal(caller.name(), n);
      case "pending" -> {
        rows = new ArrayList<>();
        // Break-glass grants whose after-the-fact review the caller may give come first.
        for (BreakGlassReviews.Review r : grants.breakGlassReviews().open(MAX_LIST)) {
          Optional<StoredGrant> g = grants.find(r.grantId());
          if (rows.size() < n
              && g.isPresent()
              && !caller.name().equals(r.principal())
              && grantService.isReviewer(caller, g.get())) {
            rows.add(g.get());
          }
        }
        for (StoredGrant g : grants.byStatus(GrantStatus.PENDING, MAX_LIST)) {
          if (rows.size() < n && g.effectiveStatus(now) == GrantStatus.PENDING) {
            ApprovalRules.Verdict v =
                ApprovalRules.approve(
                    g, grantService.stagesOf(g), grants.approvals(g.id()), caller, now);
            if (v.kind() == ApprovalRules.Kind.COUNTED) {
              rows.add(g);
            }
          }
        }
      }
      case "all" -> {
        boolean reviewer =
            config.get().targets().stream().anyMatch(t -> t.isReviewer(caller.groups()));
        if (!reviewer) {
          throw new ApiException(
              403,
              "forbidden",
              caller.name() + " is in no reviewer group; scope=all is for reviewers",
              "use scope=mine or scope=pending");
        }
        rows = grants.recent(n);
      }
      default ->
          throw new ApiException(
              400, "bad_request", "scope must be mine, pending or all", "e.g. ?scope=pending");
    }
    List<Grant> out = new ArrayList<>();
    for (StoredGrant g : rows) {
      out.add(grantService.view(g, now, null));
    }
    return new GrantList(out);
  }

  /** Break-glass access ({@link GrantService#breakGlass}). */
  public Grant breakGlass(Principal caller, GrantRequest req) throws ApiException {
    return grantService.breakGlass(caller, req);
  }

  /**
   * One approval; the request becomes APPROVED when every approval stage has its distinct approvers
   * (a single-stage target has one stage: its reviewers and quorum).
   */
  public Grant approve(Principal caller, String id, GrantAction action) throws ApiException {
    String comment = Texts.check("comment", action == null ? null : action.comment(), false, null);
    StoredGrant g = find(id);
    Instant now = clock.instant();
    Optional<BreakGlassReviews.Review> review = grants.breakGlassReviews().find(id);
    if (review.isPresent()) {
      return reviewBreakGlass(caller, g, review.get(), comment, now);
    }
    List<Stage> stages = grantService.stagesOf(g);
    List<Approval> before = grants.approvals(id);
    ApprovalRules.Verdict v = ApprovalRules.approve(g, stages, before, caller, now);
    refuseIf(v, "not_pending");
    int stage =
        Math.min(ApprovalStages.of(stages, before, g.principal()).current(), stages.size() - 1);
    boolean counted =
        v.kind() == ApprovalRules.Kind.COUNTED
            && grants.addApproval(id, caller.name(), now, comment, stage);
    List<Approval> approvals = grants.approvals(id);
    ApprovalStages progress = ApprovalStages.of(stages, approvals, g.principal());
    Set<String> people = progress.people();
    int required = stages.stream().mapToInt(Stage::approvals).sum();
    Map<String, Object> details = details(g, caller);
    if (comment != null) {
      details.put("comment", comment);
    }
    details.put("counted", counted);
    if (stages.size() > 1) {
      details.put("stage", stage + 1);
      details.put("stages", stages.size());
    }
    details.put("approvals", people.size());
    details.put("approvalsRequired", required);
    audit.append("grant.approval", g.principal(), g.target(), id, g.task(), details);
    if (progress.complete()) {
      Instant expiresAt = ApprovalRules.expiresAt(now, g.duration());
      String reason = "approved by " + String.join(", ", people);
      if (grants.approve(id, caller.name(), reason, now, expiresAt)) {
        Map<String, Object> d = details(g, caller);
        d.put("approvers", List.copyOf(people));
        d.put("duration", Durations.format(g.duration()));
        d.put("expiresAt", expiresAt.toString());
        audit.append("grant.approved", g.principal(), g.target(), id, g.task(), d);
        notifier.grant(Event.APPROVED, id);
        reviewed(g, "approved", now);
      }
    }
    return grantService.view(find(id), clock.instant(), null);
  }

  /**
   * Closes the after-the-fact review of a break-glass grant: a reviewer of its target, never the
   * requester, once. The grant itself is unchanged (revoke it to end the access).
   */
  private Grant reviewBreakGlass(
      Principal caller, StoredGrant g, BreakGlassReviews.Review r, String comment, Instant now)
      throws ApiException {
    if (!r.open()) {
      throw new ApiException(
          409,
          "already_reviewed",
          "break-glass grant "
              + g.id()
              + " was reviewed by "
              + r.reviewedBy()
              + " at "
              + r.reviewedAt(),
          null);
    }
    if (caller.name().equals(g.principal())) {
      throw new ApiException(
          403, "self_approval", "you cannot review your own break-glass access", null);
    }
    if (!grantService.isReviewer(caller, g)) {
      throw new ApiException(
          403,
          "not_a_reviewer",
          caller.name()
              + " is not a reviewer of "
              + g.target()
              + ": break-glass reviewers must be in group "
              + String.join(" or ", g.reviewerGroups()),
          null);
    }
    if (!grants.breakGlassReviews().close(g.id(), caller.name(), comment, now)) {
      throw changed(g.id());
    }
    Map<String, Object> d = details(g, caller);
    if (comment != null) {
      d.put("comment", comment);
    }
    d.put("grantStatus", g.effectiveStatus(now).name());
    audit.append("grant.break_glass_reviewed", g.principal(), g.target(), g.id(), g.task(), d);
    return grantService.view(g, now, null);
  }

  /** Denies a pending request; a reason is required. */
  public Grant deny(Principal caller, String id, GrantAction action) throws ApiException {
    String reason =
        Texts.check("reason", action == null ? null : action.reason(), true, "pass --reason");
    StoredGrant g = find(id);
    Instant now = clock.instant();
    refuseIf(ApprovalRules.deny(g, caller, now), "not_pending");
    if (!grants.decide(id, GrantStatus.PENDING, GrantStatus.DENIED, caller.name(), reason, now)) {
      throw changed(id);
    }
    Map<String, Object> d = details(g, caller);
    d.put("reason", reason);
    audit.append("grant.denied", g.principal(), g.target(), id, g.task(), d);
    notifier.grant(Event.DENIED, id);
    reviewed(g, "denied", now);
    return grantService.view(find(id), now, null);
  }

  /**
   * Revokes a pending or approved grant (the requester or a reviewer); a reason is required. Live
   * tunnels of an approved grant close at once with {@code grant_revoked}.
   */
  public Grant revoke(Principal caller, String id, GrantAction action) throws ApiException {
    String reason =
        Texts.check("reason", action == null ? null : action.reason(), true, "pass --reason");
    StoredGrant g = find(id);
    Instant now = clock.instant();
    Set<String> groups = new LinkedHashSet<>(g.reviewerGroups());
    config.get().target(g.target()).ifPresent(t -> groups.addAll(t.reviewers()));
    refuseIf(ApprovalRules.revoke(g, List.copyOf(groups), caller, now), "not_revocable");
    if (!revokeOne(g, caller.name(), reason, now, null)) {
      throw changed(id);
    }
    return grantService.view(find(id), now, null);
  }

  /**
   * Revokes every pending or approved grant made under an entitlement (the entitlement was revoked
   * in an access review).
   *
   * @return the ids of the grants revoked
   */
  public List<String> revokeUnderEntitlement(
      String entitlementId, String by, String reason, Instant now) {
    List<String> revoked = new ArrayList<>();
    for (StoredGrant g : grants.liveUnderEntitlement(entitlementId)) {
      GrantStatus s = g.effectiveStatus(now);
      if ((s == GrantStatus.APPROVED || s == GrantStatus.PENDING)
          && revokeOne(
              g, by, "entitlement " + entitlementId + " revoked: " + reason, now, entitlementId)) {
        revoked.add(g.id());
      }
    }
    return revoked;
  }

  private boolean revokeOne(StoredGrant g, String by, String reason, Instant now, String ent) {
    if (!grants.decide(g.id(), g.status(), GrantStatus.REVOKED, by, reason, now)) {
      return false;
    }
    int closed = 0;
    if (g.status() == GrantStatus.APPROVED) {
      closed =
          tunnels.closeGrant(
              g.id(),
              "grant_revoked",
              "grant " + g.id() + " for " + g.target() + " was revoked by " + by + ": " + reason);
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("by", by);
    d.put("reason", reason);
    d.put("previousStatus", g.status().name());
    d.put("tunnelsClosed", closed);
    if (ent != null) {
      d.put("entitlement", ent);
    }
    audit.append("grant.revoked", g.principal(), g.target(), g.id(), g.task(), d);
    notifier.grant(Event.REVOKED, g.id());
    reviewed(g, "revoked", now);
    return true;
  }

  /** Counted once decided, stored and audited (a decision the store refused is none). */
  private void reviewed(StoredGrant g, String outcome, Instant now) {
    if (metrics != null) {
      metrics.grantReviewed(g.target(), outcome, Duration.between(g.requestedAt(), now));
    }
  }

  private StoredGrant find(String id) throws ApiException {
    return grants
        .find(id)
        .orElseThrow(() -> new ApiException(404, "unknown_grant", "no grant '" + id + "'", null));
  }

  private static Map<String, Object> details(StoredGrant g, Principal caller) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("by", caller.name());
    d.put("requester", g.principal());
    return d;
  }

  private static ApiException changed(String id) {
    return new ApiException(
        409,
        "not_pending",
        "grant " + id + " changed while this decision was made; fetch it again",
        null);
  }

  private static void refuseIf(ApprovalRules.Verdict v, String wrongState) throws ApiException {
    if (!v.refused()) {
      return;
    }
    throw switch (v.kind()) {
      case SELF -> new ApiException(403, "self_approval", v.message(), null);
      case NOT_A_REVIEWER -> new ApiException(403, "not_a_reviewer", v.message(), null);
      case OTHER_STAGE -> new ApiException(403, "approved_in_another_stage", v.message(), null);
      case STAGE_NOT_REACHED ->
          new ApiException(
              409, "stage_not_reached", v.message(), "wait until the earlier stage approves");
      case TIMED_OUT ->
          new ApiException(409, "request_timed_out", v.message(), "hoop connect asks again");
      default -> new ApiException(409, wrongState, v.message(), null);
    };
  }
}
