package io.hoop.broker.identity.devidp;

import static io.hoop.broker.identity.devidp.TokenEndpoint.error;
import static io.hoop.broker.identity.devidp.TokenEndpoint.truncate;
import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A real OIDC provider for dev mode (discovery, JWKS, RFC 8628 device authorization, token endpoint
 * and a verification page) that signs in configured users without passwords.
 */
public final class DevIdentityProvider {
  /** Where the broker mounts the provider; the issuer is {@code <baseUrl>/dev-idp}. */
  public static final String PATH = "/dev-idp";

  public static final String DEFAULT_CLIENT_ID = "hoop-cli";
  public static final Duration DEFAULT_CODE_TTL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  static final List<String> SCOPES =
      List.of("openid", "profile", "email", "groups", "offline_access");

  private final String issuer;
  private final String prefix;
  private final String clientId;
  private volatile Directory directory;
  private final Duration codeTtl;
  private final RSAKey signingKey;
  private final DeviceCodes codes;
  private final TokenEndpoint tokens;

  /** A provider with client {@code hoop-cli}, 10 min codes, 5 s polling and the system clock. */
  public DevIdentityProvider(String issuer, List<DevUser> users) {
    this(
        issuer,
        DEFAULT_CLIENT_ID,
        users,
        DEFAULT_CODE_TTL,
        DEFAULT_POLL_INTERVAL,
        Clock.systemUTC());
  }

  /**
   * @param issuer the provider's public URL, e.g. {@code https://127.0.0.1:8443/dev-idp}; its path
   *     is the prefix of every route
   * @param clientId the one public client allowed to use the device flow
   * @param users who can sign in
   * @param codeTtl lifetime of a device code
   * @param pollInterval the minimum polling interval told to clients
   * @param clock the source of "now"
   */
  public DevIdentityProvider(
      String issuer,
      String clientId,
      List<DevUser> users,
      Duration codeTtl,
      Duration pollInterval,
      Clock clock) {
    this(issuer, clientId, users, List.of(), codeTtl, pollInterval, clock);
  }

  /**
   * As the constructor without clients, plus machine clients served with the client-credentials
   * grant (their access tokens are RS256 JWTs for audience {@code clientId}).
   */
  public DevIdentityProvider(
      String issuer,
      String clientId,
      List<DevUser> users,
      List<DevClient> clients,
      Duration codeTtl,
      Duration pollInterval,
      Clock clock) {
    this.issuer = requireNonNull(issuer, "issuer");
    this.clientId = requireNonNull(clientId, "clientId");
    requireNonNull(users, "users");
    requireNonNull(codeTtl, "codeTtl");
    requireNonNull(pollInterval, "pollInterval");
    requireNonNull(clock, "clock");
    URI uri;
    try {
      uri = new URI(issuer);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("dev IdP issuer '" + issuer + "' is not a URL", e);
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
        || uri.getHost() == null
        || uri.getQuery() != null
        || uri.getFragment() != null
        || issuer.endsWith("/")) {
      throw new IllegalArgumentException(
          "dev IdP issuer '"
              + issuer
              + "' is invalid; expected an http(s) URL without query or trailing slash,"
              + " e.g. https://127.0.0.1:8443/dev-idp");
    }
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("dev IdP clientId is blank; expected e.g. hoop-cli");
    }
    if (codeTtl.isNegative() || codeTtl.isZero()) {
      throw new IllegalArgumentException("dev IdP codeTtl " + codeTtl + " must be positive");
    }
    if (pollInterval.isNegative() || pollInterval.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "dev IdP pollInterval " + pollInterval + " must be at least 1 s");
    }
    this.directory = Directory.of(users, Set.of());
    this.prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    try {
      this.signingKey =
          new RSAKeyGenerator(2048)
              .keyID(UUID.randomUUID().toString())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the dev IdP RSA key", e);
    }
    this.codeTtl = codeTtl;
    this.codes = new DeviceCodes(codeTtl, pollInterval, clock);
    this.tokens =
        new TokenEndpoint(
            issuer,
            clientId,
            codes,
            new RefreshTokens(clock),
            signingKey,
            clock,
            new ClientCredentials(issuer, clientId, clients, signingKey, clock),
            prefix + "/token",
            name -> directory.enabled(name));
  }

  /** Who can sign in: users by name, those disabled, and the page's list of enabled ones. */
  private record Directory(Map<String, DevUser> users, Set<String> disabled, List<DevUser> list) {
    static Directory of(List<DevUser> users, Set<String> disabled) {
      Map<String, DevUser> byName = new LinkedHashMap<>();
      for (DevUser u : users) {
        if (byName.put(u.username(), u) != null) {
          throw new IllegalArgumentException("dev IdP user '" + u.username() + "' is listed twice");
        }
      }
      if (byName.isEmpty()) {
        throw new IllegalArgumentException("dev IdP has no users; configure at least one");
      }
      List<DevUser> enabled =
          byName.values().stream().filter(u -> !disabled.contains(u.username())).toList();
      return new Directory(Map.copyOf(byName), Set.copyOf(disabled), enabled);
    }

    DevUser enabled(String name) {
      return disabled.contains(name) ? null : users.get(name);
    }
  }

  /**
   * Replaces the users (a config reload): a user disabled or removed here can no longer sign in,
   * and its refresh tokens are refused from the next refresh on, so its broker sessions end.
   *
   * @param disabled names of listed users who may not sign in or refresh
   */
  public void updateUsers(List<DevUser> users, Set<String> disabled) {
    this.directory = Directory.of(requireNonNull(users, "users"), requireNonNull(disabled, "d"));
  }

  public String issuer() {
    return issuer;
  }

  public String clientId() {
    return clientId;
  }

  /** The public signing keys, as served at {@code <issuer>/jwks}. */
  public JWKSet publicKeys() {
    return new JWKSet(signingKey.toPublicJWK());
  }

  /** Routes keyed by {@code "METHOD /absolute/path"}, e.g. {@code "GET /dev-idp/jwks"}. */
  public Map<String, Route> routes() {
    Map<String, Route> r = new LinkedHashMap<>();
    r.put("GET " + prefix + "/.well-known/openid-configuration", req -> discovery());
    r.put(
        "GET " + prefix + "/jwks",
        req ->
            ApiResponse.json(200, publicKeys().toJSONObject(true))
                .withHeader("Cache-Control", "max-age=300"));
    r.put("POST " + prefix + "/device/authorize", this::authorize);
    r.put("GET " + prefix + "/device", this::showPage);
    r.put("POST " + prefix + "/device", this::decide);
    r.put("POST " + prefix + "/token", tokens::handle);
    r.put("POST " + prefix + "/revoke", tokens::revoke);
    return Map.copyOf(r);
  }

  private ApiResponse discovery() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("issuer", issuer);
    d.put("jwks_uri", issuer + "/jwks");
    d.put("device_authorization_endpoint", issuer + "/device/authorize");
    d.put("token_endpoint", issuer + "/token");
    d.put("revocation_endpoint", issuer + "/revoke");
    d.put("dpop_signing_alg_values_supported", List.of("EdDSA", "ES256", "RS256", "PS256"));
    d.put("response_types_supported", List.of("id_token"));
    d.put("subject_types_supported", List.of("public"));
    d.put("id_token_signing_alg_values_supported", List.of("RS256"));
    d.put(
        "grant_types_supported",
        List.of(TokenEndpoint.DEVICE_GRANT, "refresh_token", ClientCredentials.GRANT));
    d.put("scopes_supported", SCOPES);
    d.put(
        "claims_supported",
        List.of(
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "nbf",
            "auth_time",
            "jti",
            "preferred_username",
            "email",
            "groups"));
    d.put(
        "token_endpoint_auth_methods_supported",
        List.of("none", "client_secret_post", "client_secret_basic"));
    return ApiResponse.json(200, d);
  }

  private ApiResponse authorize(ApiRequest request) {
    Map<String, String> form;
    try {
      form = request.form();
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request", "the request body is not valid form encoding");
    }
    String client = form.get("client_id");
    if (client == null || client.isEmpty()) {
      return error(400, "invalid_request", "client_id is required");
    }
    if (!clientId.equals(client)) {
      return error(
          401,
          "invalid_client",
          "client_id " + truncate(client) + " is unknown; this provider serves " + clientId);
    }
    DeviceCodes.Issued issued = codes.issue(grantedScope(form.get("scope")));
    if (issued == null) {
      return error(
          503, "temporarily_unavailable", "too many sign-ins are pending; retry in a minute");
    }
    String verification = issuer + "/device";
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("device_code", issued.deviceCode());
    body.put("user_code", issued.userCode());
    body.put("verification_uri", verification);
    body.put(
        "verification_uri_complete",
        verification
            + "?user_code="
            + URLEncoder.encode(issued.userCode(), StandardCharsets.UTF_8));
    body.put("expires_in", codeTtl.toSeconds());
    body.put("interval", issued.interval().toSeconds());
    return ApiResponse.json(200, body).withHeader("Cache-Control", "no-store");
  }

  // Unknown scopes are dropped rather than refused: RFC 6749 §3.3 lets the server narrow them.
  private static String grantedScope(String requested) {
    List<String> granted = new ArrayList<>();
    if (requested != null) {
      for (String s : requested.trim().split("\\s+")) {
        if (SCOPES.contains(s) && !granted.contains(s)) {
          granted.add(s);
        }
      }
    }
    if (!granted.contains("openid")) {
      granted.add(0, "openid");
    }
    return String.join(" ", granted);
  }

  private ApiResponse showPage(ApiRequest request) {
    return DevIdpPages.form(
        200, prefix + "/device", request.query().get("user_code"), directory.list());
  }

  private ApiResponse decide(ApiRequest request) {
    Map<String, String> form;
    try {
      form = request.form();
    } catch (IllegalArgumentException e) {
      return DevIdpPages.message(400, "Bad request", "The form could not be read.");
    }
    String action = form.getOrDefault("action", "");
    String userCode = form.getOrDefault("user_code", "").trim();
    if (userCode.isEmpty()) {
      return DevIdpPages.message(400, "Missing code", "Enter the code your terminal shows.");
    }
    DevUser user = null;
    Directory dir = directory;
    if ("approve".equals(action)) {
      String username = form.getOrDefault("username", "").trim();
      if (dir.disabled().contains(username)) {
        return DevIdpPages.message(
            403, "User disabled", "User '" + truncate(username) + "' is disabled.");
      }
      user = dir.users().get(username);
      if (user == null) {
        return DevIdpPages.message(
            400,
            "Unknown user",
            "Unknown user '"
                + truncate(username)
                + "'. Configured users: "
                + String.join(", ", dir.list().stream().map(DevUser::username).toList())
                + ".");
      }
    } else if (!"deny".equals(action)) {
      return DevIdpPages.message(
          400, "Unknown action", "Unknown action '" + truncate(action) + "'; approve or deny.");
    }
    switch (codes.decide(userCode, user)) {
      case APPROVED:
        return DevIdpPages.message(
            200,
            "Signed in",
            "Signed in as " + user.username() + ". You can return to your terminal.");
      case DENIED:
        return DevIdpPages.message(200, "Denied", "Sign-in denied.");
      case EXPIRED:
        return DevIdpPages.message(
            400, "Code expired", "The code " + truncate(userCode) + " has expired.");
      case ALREADY_USED:
        return DevIdpPages.message(
            400, "Code already used", "The code " + truncate(userCode) + " was already used.");
      default:
        return DevIdpPages.message(
            400, "Unknown code", "The code " + truncate(userCode) + " is unknown.");
    }
  }
}
