package io.hoop.broker.grants;

import io.hoop.api.Durations;
import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.governance.Texts;
import io.hoop.broker.governance.TunnelCloser;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.broker.token.TokenService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A grant lives as long as its use: its requester ends it when the use is over ({@link #release})
 * and picks up a live one for the same use instead of asking again ({@link #reuse}).
 */
public final class GrantLifecycle {
  /** A reused grant has at least this much time left, whatever was asked for. */
  public static final Duration MIN_REUSE_LEFT = Duration.ofMinutes(5);

  private static final int MAX_ECHO = 200;
  private static final int REUSE_CANDIDATES = 200;

  private final Supplier<BrokerConfig> config;
  private final GrantStore grants;
  private final GrantService grantService;
  private final AuditLog audit;
  private final TokenService tokens;
  private final TunnelCloser tunnels;
  private final Clock clock;

  public GrantLifecycle(
      Supplier<BrokerConfig> config,
      GrantStore grants,
      GrantService grantService,
      AuditLog audit,
      TokenService tokens,
      TunnelCloser tunnels,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.grants = Objects.requireNonNull(grants, "grants");
    this.grantService = Objects.requireNonNull(grantService, "grantService");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.tunnels = Objects.requireNonNull(tunnels, "tunnels");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Ends the caller's own pending or approved grant: RELEASED, its live tunnels closed with {@code
   * grant_released}, audited as {@code grant.released}. Idempotent: a grant that already ended is
   * returned as it is. Anyone but the requester (reviewers included: they revoke) is refused with
   * 403 and the refusal is audited.
   *
   * @param why what ended the use, e.g. {@code command exited (0)}, {@code interrupted}; refused
   *     (400) with control characters or over {@link Texts#MAX} characters
   */
  public Grant release(Principal caller, String id, String why) throws ApiException {
    // Like every reason people type: it reaches reviewers' terminals, so no control characters.
    String given = Texts.check("reason", why, false, null);
    String reason = given == null ? "released by its requester" : given;
    Optional<StoredGrant> found = grants.find(id);
    if (found.isEmpty() || !found.get().principal().equals(caller.name())) {
      // Audited as every refusal is, with the caller and the path, bounded under a flood
      // (RefusalAudit); the id is echoed clipped and printable only.
      if (found.isEmpty()) {
        throw new ApiException(
            404, "unknown_grant", "no grant '" + printable(clip(id)) + "'", null);
      }
      throw new ApiException(
          403,
          "not_your_grant",
          "grant " + id + " was requested by someone else; only its requester releases it",
          "a reviewer ends another's grant with hoop revoke " + id);
    }
    StoredGrant g = found.get();
    Instant now = clock.instant();
    GrantStatus status = g.effectiveStatus(now);
    if ((status == GrantStatus.APPROVED || status == GrantStatus.PENDING)
        && grants.decide(id, status, GrantStatus.RELEASED, caller.name(), reason, now)) {
      int closed =
          status == GrantStatus.APPROVED
              ? tunnels.closeGrant(
                  id,
                  "grant_released",
                  "grant " + id + " for " + g.target() + " was released by its requester")
              : 0;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("by", caller.name());
      d.put("reason", reason);
      d.put("previousStatus", status.name());
      d.put("tunnelsClosed", closed);
      if (g.expiresAt() != null) {
        d.put("unusedTime", Durations.format(Duration.between(now, g.expiresAt())));
      }
      audit.append("grant.released", g.principal(), g.target(), id, g.task(), d);
    }
    return grantService.view(grants.find(id).orElse(g), now, null);
  }

  /**
   * The caller's live approved grant for the same target, role and task with useful time left, with
   * a fresh grant token, audited as {@code grant.reused}; empty when there is none. Useful means at
   * least half of what a new grant would last (the requested duration, else the target's default)
   * and at least {@link #MIN_REUSE_LEFT}.
   */
  public Optional<Grant> reuse(Principal caller, GrantRequest req) throws ApiException {
    if (req == null || req.target() == null || req.task() == null) {
      throw new ApiException(400, "bad_request", "target and task are required", null);
    }
    Optional<TargetConfig> target = config.get().target(req.target());
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Duration wanted =
        req.durationSeconds() > 0
            ? Duration.ofSeconds(req.durationSeconds())
            : target.get().defaultDuration();
    Instant now = clock.instant();
    // Compared as resolved: a grant made for the default role is not reused once the default moved.
    String role = target.get().resolveRole(req.role());
    List<StoredGrant> mine = grants.byPrincipal(caller.name(), REUSE_CANDIDATES);
    for (StoredGrant g : mine) {
      if (g.effectiveStatus(now) == GrantStatus.APPROVED
          && g.target().equals(req.target())
          && g.task().equals(req.task())
          && Objects.equals(g.role(), role)
          && useful(Duration.between(now, g.expiresAt()), wanted)) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("left", Durations.format(Duration.between(now, g.expiresAt())));
        d.put("expiresAt", g.expiresAt().toString());
        audit.append("grant.reused", g.principal(), g.target(), g.id(), g.task(), d);
        String token = tokens.issueGrant(g.id(), g.principal(), g.target(), g.expiresAt());
        return Optional.of(grantService.view(g, now, token));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a grant with {@code left} to run is worth reusing for a use that would get {@code
   * wanted}: at least half of it, and at least {@link #MIN_REUSE_LEFT}.
   */
  static boolean useful(Duration left, Duration wanted) {
    Duration half = wanted.dividedBy(2);
    Duration needed = half.compareTo(MIN_REUSE_LEFT) < 0 ? MIN_REUSE_LEFT : half;
    return left.compareTo(needed) >= 0;
  }

  private static String printable(String s) {
    return s == null
        ? null
        : s.codePoints()
            .map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO);
  }
}
