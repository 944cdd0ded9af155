package io.hoop.broker.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.hoop.api.AuditPage;
import io.hoop.api.AuthConfig;
import io.hoop.api.GrantRequest;
import io.hoop.api.Json;
import io.hoop.api.Principal;
import io.hoop.api.SessionRequest;
import io.hoop.api.SessionResponse;
import io.hoop.api.TargetInfo;
import io.hoop.api.TargetList;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.api.WhoAmI;
import io.hoop.broker.auth.IdentityGateway;
import io.hoop.broker.auth.Login;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.EntitlementConfig;
import io.hoop.broker.config.IdentityConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.grants.GrantService;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import io.hoop.broker.http.Router;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.SessionStore;
import io.hoop.broker.token.DpopException;
import io.hoop.broker.token.RevocationCache;
import io.hoop.broker.token.TokenService;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/** The broker's JSON API ({@code /v1/...}); the contract is documented in {@code io.hoop.api}. */
public final class ApiRoutes {
  private static final int MAX_AUDIT_PAGE = 1000;

  private final Supplier<BrokerConfig> config;
  private final AuthConfig authConfig;
  private final IdentityGateway identity;
  private final TokenService tokens;
  private final SessionStore sessions;
  private final GrantService grants;
  private final AuditLog audit;
  private final Clock clock;
  private final SessionAuth auth;
  private final RevocationCache revocations;
  // Like the rest of the identity section, applied at start (a reload logs that it needs a
  // restart).
  private final boolean requireDpop;

  public ApiRoutes(
      Supplier<BrokerConfig> config,
      AuthConfig authConfig,
      IdentityGateway identity,
      TokenService tokens,
      SessionStore sessions,
      GrantService grants,
      AuditLog audit,
      Clock clock,
      RevocationCache revocations) {
    this.revocations = revocations;
    this.requireDpop = config.get().identity().map(IdentityConfig::requireDpop).orElse(true);
    this.config = config;
    this.authConfig = authConfig;
    this.identity = identity;
    this.tokens = tokens;
    this.sessions = sessions;
    this.grants = grants;
    this.audit = audit;
    this.clock = clock;
    this.auth = new SessionAuth(tokens);
  }

  public Router register(Router router) {
    router.add("GET /v1/auth/config", req -> ApiResponse.json(200, authConfig));
    router.add("POST /v1/auth/session", this::login);
    router.add("POST /v1/auth/token", this::exchange);
    router.add("POST /v1/auth/logout", authed(this::logout));
    router.add("GET /v1/whoami", authed(this::whoami));
    router.add("GET /v1/targets", authed(this::targets));
    router.add(
        "POST /v1/grants",
        authed(
            (req, caller) ->
                ApiResponse.json(
                    200, grants.request(caller.principal(), body(req, GrantRequest.class)))));
    router.add(
        "GET /v1/grants/*",
        authed(
            (req, caller) ->
                ApiResponse.json(200, grants.get(caller.principal(), Router.tail(req)))));
    router.add("GET /v1/audit", authed(this::audit));
    router.add("GET /healthz", req -> ApiResponse.json(200, Map.of("status", "ok")));
    return router;
  }

  private ApiResponse login(ApiRequest req) throws ApiException {
    SessionRequest sr = body(req, SessionRequest.class);
    if (sr.idToken() == null || sr.idToken().isBlank()) {
      throw new ApiException(400, "bad_request", "idToken is required", null);
    }
    String jkt = loginKey(req);
    return session(req, identity.authenticate(sr.idToken(), req.remote()), jkt);
  }

  private ApiResponse exchange(ApiRequest req) throws ApiException {
    TokenExchangeRequest ter = body(req, TokenExchangeRequest.class);
    if (!TokenExchangeRequest.GRANT_TYPE.equals(ter.grantType())) {
      throw new ApiException(
          400,
          "unsupported_grant_type",
          "grantType "
              + ter.grantType()
              + " is not supported; expected "
              + TokenExchangeRequest.GRANT_TYPE,
          null);
    }
    String jkt = loginKey(req);
    return session(
        req, identity.exchange(ter.subjectToken(), ter.subjectTokenType(), req.remote()), jkt);
  }

  /** The thumbprint of the login's DPoP key; null only when the config allows unbound sessions. */
  private String loginKey(ApiRequest req) throws ApiException {
    String proof = req.header("dpop");
    if (proof == null) {
      if (requireDpop) {
        throw new ApiException(
            400,
            DpopException.REQUIRED,
            "this broker requires a DPoP proof at login, so that the session token is bound to"
                + " this machine's key",
            "use a hoop CLI that sends DPoP proofs");
      }
      return null;
    }
    try {
      return tokens.dpop().verifyHttp(proof, req.method(), req.path(), null, null);
    } catch (DpopException e) {
      throw new ApiException(401, e.code(), e.getMessage(), "retry hoop login");
    }
  }

  private ApiResponse session(ApiRequest req, Login login, String jkt) throws ApiException {
    Principal p = login.principal();
    if (login.boundKey() != null && !login.boundKey().equals(jkt)) {
      // A token the IdP bound to a key is no bearer token here either: whoever copied it cannot
      // log in with a key of their own.
      throw new ApiException(
              401,
              DpopException.INVALID,
              "the presented token is bound to another DPoP key than this login's proof (cnf.jkt "
                  + login.boundKey()
                  + ")",
              "log in with the key the identity provider bound the token to")
          .withPrincipal(p.name());
    }
    sessions.upsertPrincipal(p, clock.instant());
    TokenService.IssuedToken t = tokens.issueSession(p, config.get().sessionTtl(), jkt);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("method", p.loginMethod());
    details.put("groups", p.groups());
    details.put("remote", String.valueOf(req.remote()));
    details.put("bound", jkt != null);
    // The key and the IdP session show a second login from a copied credential: another jkt
    // under the same sid, or a login nobody made.
    if (jkt != null) {
      details.put("jkt", jkt);
    }
    if (login.idpSession() != null) {
      details.put("sid", login.idpSession());
    }
    if (login.detail() != null) {
      details.put("recognisedBy", login.detail());
    }
    audit.append("login", p.name(), null, null, null, details);
    return ApiResponse.json(
            200, new SessionResponse(t.token(), t.expiresAt(), p, jkt == null ? "Bearer" : "DPoP"))
        .withHeader("Cache-Control", "no-store");
  }

  private ApiResponse logout(ApiRequest req, TokenService.SessionClaims caller) {
    revocations.revoke(caller.sessionId(), caller.expiresAt(), caller.principal().name(), "logout");
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("session", caller.sessionId());
    details.put("method", caller.principal().loginMethod());
    audit.append("logout", caller.principal().name(), null, null, null, details);
    return ApiResponse.json(200, Map.of("revoked", caller.sessionId()));
  }

  private ApiResponse whoami(ApiRequest req, TokenService.SessionClaims caller) {
    return ApiResponse.json(
        200,
        new WhoAmI(
            caller.principal(), authConfig.issuer(), caller.expiresAt(), caller.keyThumbprint()));
  }

  private ApiResponse targets(ApiRequest req, TokenService.SessionClaims caller) {
    BrokerConfig cfg = config.get();
    Principal p = caller.principal();
    List<TargetInfo> out = new ArrayList<>();
    for (TargetConfig t : cfg.targets()) {
      long cap = -1;
      for (EntitlementConfig e : cfg.entitlements()) {
        if (e.targets().contains(t.name()) && e.appliesTo(p.name(), p.groups())) {
          cap = Math.max(cap, Math.min(e.maxDuration().getSeconds(), t.maxDuration().getSeconds()));
        }
      }
      if (cap >= 0) {
        // Role names only: the credentials behind them never leave the broker.
        out.add(new TargetInfo(t.name(), t.type(), t.description(), cap, t.roleNames()));
      }
    }
    return ApiResponse.json(200, new TargetList(out));
  }

  /**
   * {@code GET /v1/audit}: the caller's own events. {@code after=SEQ} pages forward, oldest first
   * (the default, and what {@code hoop audit --follow} polls); {@code order=desc} gives the newest
   * first, paged back with {@code before=SEQ}; {@code since} and {@code until} are RFC 3339
   * instants (since inclusive, until exclusive).
   */
  private ApiResponse audit(ApiRequest req, TokenService.SessionClaims caller) throws ApiException {
    long after = parseLong(req.query().get("after"), 0, "after");
    long before = parseLong(req.query().get("before"), 0, "before");
    long limit = parseLong(req.query().get("limit"), 100, "limit");
    if (limit < 1 || limit > MAX_AUDIT_PAGE) {
      throw new ApiException(
          400, "bad_request", "limit must be between 1 and " + MAX_AUDIT_PAGE, null);
    }
    if (after < 0) {
      throw new ApiException(400, "bad_request", "after must be 0 or a previous seq", null);
    }
    if (before < 0) {
      throw new ApiException(400, "bad_request", "before must be 0 or a previous seq", null);
    }
    String order = req.query().get("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw new ApiException(400, "bad_request", "order must be asc or desc, not " + order, null);
    }
    java.time.Instant since = instant(req.query().get("since"), "since");
    java.time.Instant until = instant(req.query().get("until"), "until");
    // Everyone sees their own trail; a full-trail auditor role comes with governance.
    return ApiResponse.json(
        200,
        new AuditPage(
            audit.list(
                new AuditLog.ListQuery(
                    after,
                    before,
                    since,
                    until,
                    "desc".equals(order),
                    (int) limit,
                    caller.principal().name(),
                    req.query().get("task")))));
  }

  private static java.time.Instant instant(String v, String name) throws ApiException {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(v).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw new ApiException(
          400,
          "bad_request",
          name + " must be an RFC 3339 instant such as 2026-01-31T12:00:00Z",
          null);
    }
  }

  private static long parseLong(String v, long dflt, String name) throws ApiException {
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new ApiException(400, "bad_request", name + " must be a number", null);
    }
  }

  /**
   * Reads a JSON request body strictly: an unknown field is refused, never ignored (a misspelt
   * {@code duration} must not silently become the default {@code durationSeconds}); so is a field
   * given twice (never read as its last value, which a proxy or log reading the first would not
   * see). A null field is read as an absent one.
   */
  static <T> T body(ApiRequest req, Class<T> type) throws ApiException {
    try {
      T v =
          Json.mapper()
              .readerFor(type)
              .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .readValue(req.body());
      if (v == null) {
        throw new ApiException(400, "bad_request", "request body is empty", null);
      }
      return v;
    } catch (UnrecognizedPropertyException e) {
      TreeSet<String> known = new TreeSet<>();
      e.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      throw new ApiException(
          400,
          "unknown_field",
          "field "
              + quoteField(e.getPropertyName())
              + " is not a field of "
              + type.getSimpleName()
              + "; known fields: "
              + String.join(", ", known),
          "check the field's spelling");
    } catch (MismatchedInputException e) {
      // Never echo parser messages: they quote the input, which may hold a token.
      String field =
          e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
      throw new ApiException(
          400,
          "bad_request",
          field == null
              ? "request body is not a JSON " + type.getSimpleName() + " object"
              : "field '" + field + "' of " + type.getSimpleName() + " has the wrong type",
          null);
    } catch (JsonProcessingException e) {
      if (e.getOriginalMessage() != null
          && e.getOriginalMessage().startsWith("Duplicate field")
          && e.getProcessor() instanceof JsonParser p) {
        throw new ApiException(
            400,
            "bad_request",
            "field "
                + quoteField(currentName(p))
                + " of "
                + type.getSimpleName()
                + " is given more than once",
            "give each field once");
      }
      throw new ApiException(
          400, "bad_request", "request body is not valid JSON for " + type.getSimpleName(), null);
    } catch (java.io.IOException e) {
      throw new ApiException(400, "bad_request", "unreadable request body", null);
    }
  }

  private static String currentName(JsonParser p) {
    try {
      return p.currentName();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  // The name comes from the request: bounded and printable in the message.
  private static String quoteField(String name) {
    String n = name == null ? "" : name;
    if (n.length() > 64) {
      n = n.substring(0, 64) + "...";
    }
    return "'" + n.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  private Route authed(SessionAuth.AuthedRoute r) {
    return auth.authed(r);
  }
}
