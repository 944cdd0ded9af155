package io.hoop.broker.api;

import io.hoop.api.DirectCredential;
import io.hoop.api.GrantStatus;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.direct.DirectCredentials;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.broker.token.TokenService;
import io.hoop.engine.postgres.config.PostgresTarget;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * {@code POST /v1/grants/{id}/direct}: issues the grant-bound password of direct PostgreSQL access
 * ({@link DirectCredential}) to the grant's own holder, for an approved grant of a postgres target,
 * when the broker's PostgreSQL port is on. Issuing again replaces the previous password. Audited as
 * {@code grant.direct_credential} (without the password).
 */
public final class DirectRoutes {
  private final SessionAuth auth;
  private final GrantStore grants;
  private final Supplier<BrokerConfig> config;
  private final Optional<DirectCredentials> credentials;
  private final IntSupplier port;
  private final Supplier<String> host;
  private final AuditLog audit;
  private final Clock clock;

  /**
   * @param credentials the credentials of the broker's PostgreSQL port; empty when it is off
   * @param port the bound port of the broker's PostgreSQL port
   * @param host the broker's host as clients name it
   */
  public DirectRoutes(
      TokenService tokens,
      GrantStore grants,
      Supplier<BrokerConfig> config,
      Optional<DirectCredentials> credentials,
      IntSupplier port,
      Supplier<String> host,
      AuditLog audit,
      Clock clock) {
    this.auth = new SessionAuth(Objects.requireNonNull(tokens, "tokens"));
    this.grants = Objects.requireNonNull(grants, "grants");
    this.config = Objects.requireNonNull(config, "config");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.port = Objects.requireNonNull(port, "port");
    this.host = Objects.requireNonNull(host, "host");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Router register(Router router) {
    router.add("POST /v1/grants/*/direct", auth.authed(this::issue));
    return router;
  }

  private ApiResponse issue(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    String id = Router.segment(req, 2);
    String name = caller.principal().name();
    Optional<StoredGrant> found = grants.find(id);
    if (found.isEmpty()) {
      throw new ApiException(404, "unknown_grant", "no grant '" + clip(id) + "'", null);
    }
    StoredGrant g = found.get();
    if (!g.principal().equals(name)) {
      throw new ApiException(
          403,
          "not_your_grant",
          "grant " + g.id() + " belongs to someone else; only its holder gets its direct password",
          null);
    }
    Instant now = clock.instant();
    GrantStatus status = g.effectiveStatus(now);
    if (status != GrantStatus.APPROVED) {
      throw new ApiException(
          409,
          "grant_" + status.name().toLowerCase(java.util.Locale.ROOT),
          "grant " + g.id() + " is " + status.name().toLowerCase(java.util.Locale.ROOT),
          "request a new grant with hoop connect " + g.target() + " --direct");
    }
    TargetConfig target =
        config
            .get()
            .target(g.target())
            .orElseThrow(
                () ->
                    new ApiException(
                        409,
                        "unknown_target",
                        "target " + g.target() + " is no longer configured",
                        null));
    if (!(target.section() instanceof PostgresTarget pg)) {
      throw new ApiException(
          400,
          "not_postgres",
          "target " + g.target() + " is not a postgres target; --direct is for postgres only",
          "use hoop connect " + g.target() + " without --direct");
    }
    if (credentials.isEmpty()) {
      throw new ApiException(
          409,
          "direct_off",
          "this broker has no PostgreSQL port for direct access",
          "the broker's operator sets postgres.directListen in its config");
    }
    DirectCredentials.Issued issued = credentials.get().issue(g.id(), name, g.expiresAt());
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("user", issued.user());
    d.put("scram", "SCRAM-SHA-256");
    audit.append("grant.direct_credential", name, g.target(), g.id(), g.task(), d);
    return ApiResponse.json(
        200,
        new DirectCredential(
            g.id(),
            g.target(),
            host.get(),
            port.getAsInt(),
            issued.user(),
            issued.password(),
            pg.database(),
            issued.expiresAt()));
  }

  private static String clip(String id) {
    String s = id == null ? "" : id;
    s = s.length() > 64 ? s.substring(0, 64) : s;
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
