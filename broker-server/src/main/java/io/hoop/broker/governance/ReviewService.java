package io.hoop.broker.governance;

import io.hoop.api.Entitlement;
import io.hoop.api.EntitlementList;
import io.hoop.api.Principal;
import io.hoop.api.ReviewAction;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.EntitlementStore;
import io.hoop.broker.store.StoredEntitlement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Access reviews: reviewers list the entitlements of the targets they review, certify them for
 * another period or revoke them (which revokes the grants made under them).
 */
public final class ReviewService {
  /** Entitlements whose review ends within this window are due. */
  static final Duration DUE_WINDOW = Duration.ofDays(14);

  private static final Duration MIN_LONGEST_CERTIFICATION = Duration.ofDays(366);

  private final Supplier<BrokerConfig> config;
  private final EntitlementStore entitlements;
  private final ApprovalService approvals;
  private final AuditLog audit;
  private final Clock clock;

  public ReviewService(
      Supplier<BrokerConfig> config,
      EntitlementStore entitlements,
      ApprovalService approvals,
      AuditLog audit,
      Clock clock) {
    this.config = config;
    this.entitlements = entitlements;
    this.approvals = approvals;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Entitlements on targets the caller reviews; with {@code due}, only active ones whose review is
   * stale or ends within 14 days.
   */
  public EntitlementList list(Principal caller, boolean due) {
    Instant now = clock.instant();
    Instant soon = now.plus(DUE_WINDOW);
    List<Entitlement> out = new ArrayList<>();
    for (StoredEntitlement e : entitlements.all()) {
      boolean reviews =
          config.get().target(e.target()).map(t -> t.isReviewer(caller.groups())).orElse(false);
      boolean isDue = e.active() && !e.reviewCurrent(soon);
      if (reviews && (!due || isDue)) {
        out.add(e.toApi());
      }
    }
    return new EntitlementList(out);
  }

  /** Certifies an entitlement until {@code until} (default: now + reviewPeriod). */
  public Entitlement certify(Principal caller, String id, ReviewAction action) throws ApiException {
    String comment =
        Texts.check("comment", action == null ? null : action.comment(), true, "pass --comment");
    StoredEntitlement e = reviewable(caller, id);
    if (e.appliesTo(caller.name(), caller.groups())) {
      throw new ApiException(
          403,
          "self_review",
          "entitlement "
              + id
              + " ("
              + e.subject()
              + ") covers "
              + caller.name()
              + "; you cannot certify your own access",
          "ask another reviewer of " + e.target());
    }
    Instant now = clock.instant();
    Duration period = config.get().reviewPeriod();
    Instant until = action.until() == null ? now.plus(period) : action.until();
    Duration longest =
        period.compareTo(MIN_LONGEST_CERTIFICATION) > 0 ? period : MIN_LONGEST_CERTIFICATION;
    if (!until.isAfter(now) || until.isAfter(now.plus(longest))) {
      throw new ApiException(
          400,
          "bad_until",
          "until " + until + " must be after now and at most " + longest.toDays() + " days ahead",
          "e.g. --until " + now.plus(period).toString().substring(0, 10));
    }
    entitlements.certify(id, caller.name(), now, until, comment);
    Map<String, Object> d = details(e);
    d.put("until", until.toString());
    d.put("comment", comment);
    d.put("previousStatus", e.status());
    audit.append("review.certified", caller.name(), e.target(), null, null, d);
    return entitlements.find(id).orElseThrow().toApi();
  }

  /** Revokes an entitlement and every pending or approved grant made under it. */
  public Entitlement revoke(Principal caller, String id, ReviewAction action) throws ApiException {
    String reason =
        Texts.check("reason", action == null ? null : action.reason(), true, "pass --reason");
    StoredEntitlement e = reviewable(caller, id);
    if (!e.active()) {
      throw new ApiException(
          409, "already_revoked", "entitlement " + id + " is already revoked", null);
    }
    Instant now = clock.instant();
    entitlements.revoke(id, caller.name(), now, reason);
    List<String> grants = approvals.revokeUnderEntitlement(id, caller.name(), reason, now);
    Map<String, Object> d = details(e);
    d.put("reason", reason);
    d.put("grantsRevoked", grants);
    audit.append("review.revoked", caller.name(), e.target(), null, null, d);
    return entitlements.find(id).orElseThrow().toApi();
  }

  private StoredEntitlement reviewable(Principal caller, String id) throws ApiException {
    StoredEntitlement e =
        entitlements
            .find(id)
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "unknown_entitlement",
                        "no entitlement '" + id + "'",
                        "hoop review list"));
    List<String> groups =
        config.get().target(e.target()).map(TargetConfig::reviewers).orElse(List.of());
    if (groups.stream().noneMatch(caller.groups()::contains)) {
      throw new ApiException(
          403,
          "not_a_reviewer",
          caller.name()
              + " is not a reviewer of "
              + e.target()
              + ": reviewers must be in "
              + (groups.isEmpty()
                  ? "a reviewer group (the target has none)"
                  : "group " + String.join(" or ", groups)),
          null);
    }
    return e;
  }

  private static Map<String, Object> details(StoredEntitlement e) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("entitlement", e.id());
    d.put("subject", e.subject());
    return d;
  }
}
