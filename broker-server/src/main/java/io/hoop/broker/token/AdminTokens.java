package io.hoop.broker.token;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Principal;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Admin-minted broker tokens ({@code HOOP_TOKEN}) on one store: minted, listed and revoked by id,
 * every creation and revocation audited with the operator's name. Used by {@code hoop-broker token}
 * on the store directly and, while a broker runs, by the broker itself for its admin socket.
 */
public final class AdminTokens {
  /** The longest lifetime a token may have. */
  public static final Duration MAX_TTL = Duration.ofHours(24);

  /** Principals of admin-minted tokens are {@code token:NAME}. */
  public static final String PREFIX = "token:";

  /** The login method of their sessions. */
  public static final String METHOD = "admin-token";

  private final Store store;
  private final TokenService tokens;
  private final Clock clock;

  public AdminTokens(Store store, TokenService tokens, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.tokens = requireNonNull(tokens, "tokens");
    this.clock = requireNonNull(clock, "clock");
  }

  /** A token minted once; {@link #token} is shown to the operator and never stored. */
  public record Created(String id, String token, String principal, Instant expiresAt) {
    /** The fields shown to the operator once: id, token, principal, expiresAt. */
    public Map<String, Object> fields() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("token", token);
      m.put("principal", principal);
      m.put("expiresAt", expiresAt.toString());
      return m;
    }

    @Override
    public String toString() {
      return "Created[id=" + id + ", token=<redacted>, principal=" + principal + "]";
    }
  }

  /**
   * The principal a token for {@code name} gets ({@code token:NAME}).
   *
   * @throws IllegalArgumentException naming the value and what is expected
   */
  public static String principal(String name) {
    String p = name.startsWith(PREFIX) ? name : PREFIX + name;
    if (p.length() > 200
        || p.length() == PREFIX.length()
        || !p.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      throw new IllegalArgumentException(
          "--principal '" + name + "' must be 1-190 printable characters without spaces");
    }
    return p;
  }

  /**
   * Checks a lifetime.
   *
   * @throws IllegalArgumentException when it is not in (0, 24h]
   */
  public static void checkTtl(Duration ttl) {
    if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "--ttl " + ttl + " is out of range; expected more than 0 and at most 24h");
    }
  }

  /** Mints a token for {@code name}, records it and audits {@code admin_token_created}. */
  public Created create(String name, List<String> groups, Duration ttl, String operator) {
    String principal = principal(name);
    checkTtl(ttl);
    for (String g : groups) {
      if (g == null || g.isBlank()) {
        throw new IllegalArgumentException("--group must not be empty");
      }
    }
    String id = "t-" + UUID.randomUUID();
    Principal p = new Principal(principal, null, List.copyOf(groups), METHOD);
    TokenService.IssuedToken token = tokens.issueSession(p, ttl, null, id);
    Instant now = clock.instant();
    new TokenStore(store)
        .addAdminToken(
            new TokenStore.AdminToken(
                id, principal, groups, now, token.expiresAt(), operator, Optional.empty()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("tokenId", id);
    details.put("groups", groups);
    details.put("expiresAt", token.expiresAt().toString());
    details.put("by", operator);
    new AuditLog(store, clock).append("admin_token_created", principal, null, null, null, details);
    return new Created(id, token.token(), principal, token.expiresAt());
  }

  /** Every admin-minted token, never the tokens themselves. */
  public List<TokenStore.AdminToken> list() {
    return new TokenStore(store).adminTokens();
  }

  /** Revokes a token and audits {@code admin_token_revoked}; empty when there is no such id. */
  public Optional<TokenStore.AdminToken> revoke(String id, String operator) {
    Optional<TokenStore.AdminToken> t =
        new TokenStore(store).revokeAdminToken(id, operator, clock.instant());
    if (t.isPresent()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("tokenId", id);
      details.put("by", operator);
      new AuditLog(store, clock)
          .append("admin_token_revoked", t.get().principal(), null, null, null, details);
    }
    return t;
  }

  /** A token's listing fields, never the token: what {@code token list} and the socket show. */
  public Map<String, Object> listing(TokenStore.AdminToken t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("principal", t.principal());
    m.put("groups", t.groups());
    m.put("createdAt", t.createdAt().toString());
    m.put("expiresAt", t.expiresAt().toString());
    m.put("createdBy", t.createdBy());
    m.put("revokedAt", t.revokedAt().map(Instant::toString).orElse(null));
    m.put("status", status(t));
    return m;
  }

  /** {@code active}, {@code expired} or {@code revoked}, as of now. */
  public String status(TokenStore.AdminToken t) {
    if (t.revokedAt().isPresent()) {
      return "revoked";
    }
    return clock.instant().isBefore(t.expiresAt()) ? "active" : "expired";
  }
}
