package io.hoop.broker.governance;

import io.hoop.api.GrantAction;
import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldList;
import io.hoop.api.HoldStatus;
import io.hoop.api.Principal;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.policy.HoldRules;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.HoldStore;
import io.hoop.broker.store.StoredGrant;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * What reviewers and holders do with held operations: list, show, approve, deny. {@link HoldRules}
 * says who may decide; {@link BrokerHolds} applies the decision to the waiting session.
 */
public final class HoldReviews {
  private static final int MAX_LIST = 1000;

  private final BrokerHolds holds;
  private final HoldStore store;
  private final GrantStore grants;
  private final BiPredicate<Principal, StoredGrant> isReviewer;
  private final Clock clock;
  private final HoldRelay relay;

  /**
   * @param isReviewer whether a caller reviews a grant's target (as for approving the grant)
   */
  public HoldReviews(
      BrokerHolds holds,
      HoldStore store,
      GrantStore grants,
      BiPredicate<Principal, StoredGrant> isReviewer,
      Clock clock) {
    this(holds, store, grants, isReviewer, clock, HoldRelay.NONE);
  }

  /**
   * As above, for one replica of several: a hold whose session waits on another live replica is
   * decided here and applied there.
   */
  public HoldReviews(
      BrokerHolds holds,
      HoldStore store,
      GrantStore grants,
      BiPredicate<Principal, StoredGrant> isReviewer,
      Clock clock,
      HoldRelay relay) {
    this.relay = relay;
    this.holds = holds;
    this.store = store;
    this.grants = grants;
    this.isReviewer = isReviewer;
    this.clock = clock;
  }

  /**
   * {@code pending}: pending holds the caller may decide (a reviewer of their target, not their
   * own), oldest first; {@code mine}: the caller's own holds, newest first.
   */
  public HoldList list(Principal caller, String scope, int limit) throws ApiException {
    Instant now = clock.instant();
    int n = Math.min(Math.max(limit, 1), MAX_LIST);
    List<HeldOperation> out = new ArrayList<>();
    switch (scope == null ? "pending" : scope) {
      case "pending" -> {
        for (HeldOperation h : store.pending(MAX_LIST)) {
          HeldOperation e = HoldStore.effective(h, now);
          if (out.size() < n
              && e.status() == HoldStatus.PENDING
              && !caller.name().equals(e.principal())
              && reviews(caller, e)) {
            out.add(e);
          }
        }
      }
      case "mine" -> {
        for (HeldOperation h : store.byPrincipal(caller.name(), n)) {
          out.add(HoldStore.effective(h, now));
        }
      }
      default ->
          throw new ApiException(
              400, "bad_request", "scope must be pending or mine", "e.g. ?scope=pending");
    }
    return new HoldList(out);
  }

  /** One hold, for its holder or a reviewer of its target; 404 for anyone else. */
  public HeldOperation show(Principal caller, String id) throws ApiException {
    HeldOperation h = HoldStore.effective(find(id), clock.instant());
    if (!caller.name().equals(h.principal()) && !reviews(caller, h)) {
      throw unknown(id);
    }
    return h;
  }

  /** Approves a pending hold: its operation runs once. */
  public HeldOperation approve(Principal caller, String id, GrantAction action)
      throws ApiException {
    String comment = Texts.check("comment", action == null ? null : action.comment(), false, null);
    return decide(caller, id, true, comment);
  }

  /** Denies a pending hold; a reason is required and reaches the waiting user. */
  public HeldOperation deny(Principal caller, String id, GrantAction action) throws ApiException {
    String reason =
        Texts.check("reason", action == null ? null : action.reason(), true, "pass --reason");
    return decide(caller, id, false, reason);
  }

  private HeldOperation decide(Principal caller, String id, boolean approve, String text)
      throws ApiException {
    Instant now = clock.instant();
    HeldOperation h = HoldStore.effective(find(id), now);
    Optional<StoredGrant> grant = grants.find(h.grantId());
    GrantStatus grantStatus = grant.map(g -> g.effectiveStatus(now)).orElse(null);
    boolean reviewer = grant.isPresent() && isReviewer.test(caller, grant.get());
    HoldRules.Verdict v = HoldRules.decide(h, caller.name(), reviewer, grantStatus);
    if (v.refused()) {
      if (v.kind() == HoldRules.Kind.GRANT_ENDED) {
        holds.end(h, HoldStatus.CANCELLED, v.message());
      }
      throw switch (v.kind()) {
        case SELF -> new ApiException(403, "self_approval", v.message(), null);
        case NOT_A_REVIEWER -> new ApiException(403, "not_a_reviewer", v.message(), null);
        case GRANT_ENDED -> new ApiException(409, "grant_ended", v.message(), null);
        default -> new ApiException(409, "not_pending", v.message(), null);
      };
    }
    boolean elsewhere = !holds.isWaiting(h.id()) && relay.waitsElsewhere(h.id());
    if (!holds.isWaiting(h.id()) && !elsewhere) {
      // Nobody would run it (its broker restarted or stopped).
      String why = "no session waits for it any more (its broker restarted or stopped)";
      holds.end(h, HoldStatus.CANCELLED, why);
      throw new ApiException(409, "not_pending", "hold " + h.id() + ": " + why, null);
    }
    if (!holds.decide(h, approve, caller.name(), text)) {
      throw new ApiException(
          409,
          "not_pending",
          "hold " + h.id() + " changed while this decision was made; fetch it again",
          null);
    }
    if (elsewhere) {
      relay.decided(h.id());
    }
    return HoldStore.effective(find(id), clock.instant());
  }

  private boolean reviews(Principal caller, HeldOperation h) {
    return grants.find(h.grantId()).map(g -> isReviewer.test(caller, g)).orElse(false);
  }

  private HeldOperation find(String id) throws ApiException {
    return store.find(id).orElseThrow(() -> unknown(id));
  }

  private static ApiException unknown(String id) {
    return new ApiException(404, "unknown_hold", "no held operation '" + id + "'", null);
  }
}
