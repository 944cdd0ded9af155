package io.hoop.broker.identity.devidp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.token.DpopException;
import io.hoop.broker.token.DpopVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The dev identity provider's token endpoint (device-code, refresh-token and client-credentials
 * grants) and its RFC 7009 revocation endpoint. A request with a DPoP proof (RFC 9449) gets tokens
 * bound to the proof's key: the refresh token is then refused without a proof by that key.
 */
final class TokenEndpoint {
  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  static final String REFRESH_GRANT = "refresh_token";
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

  private final String issuer;
  private final String clientId;
  private final DeviceCodes codes;
  private final RefreshTokens refreshTokens;
  private final RSAKey signingKey;
  private final RSASSASigner signer;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ClientCredentials clientCredentials;
  private final String tokenPath;
  private final DpopVerifier proofs;
  private final Function<String, DevUser> enabledUser;

  /**
   * @param tokenPath the absolute path of the token endpoint, which proofs' {@code htu} must name
   * @param enabledUser the current record of an enabled user by name, null when disabled or gone
   */
  TokenEndpoint(
      String issuer,
      String clientId,
      DeviceCodes codes,
      RefreshTokens refreshTokens,
      RSAKey signingKey,
      Clock clock,
      ClientCredentials clientCredentials,
      String tokenPath,
      Function<String, DevUser> enabledUser) {
    this.clientCredentials = clientCredentials;
    this.tokenPath = tokenPath;
    this.enabledUser = enabledUser;
    this.proofs = new DpopVerifier(clock);
    this.issuer = issuer;
    this.clientId = clientId;
    this.codes = codes;
    this.refreshTokens = refreshTokens;
    this.signingKey = signingKey;
    this.clock = clock;
    try {
      this.signer = new RSASSASigner(signingKey);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot use the generated RSA key for signing", e);
    }
  }

  ApiResponse handle(ApiRequest request) {
    Map<String, String> form;
    try {
      form = request.form();
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request", "the request body is not valid form encoding");
    }
    String grantType = form.get("grant_type");
    if (grantType == null || grantType.isEmpty()) {
      return error(400, "invalid_request", "grant_type is required");
    }
    String jkt = null;
    String proof = request.header("dpop");
    if (proof != null) {
      try {
        jkt = proofs.verifyHttp(proof, "POST", tokenPath, null, null);
      } catch (DpopException e) {
        return error(400, DpopException.INVALID, e.getMessage());
      }
    }
    if (DEVICE_GRANT.equals(grantType)) {
      return deviceCode(form, jkt);
    }
    if (REFRESH_GRANT.equals(grantType)) {
      return refresh(form, jkt);
    }
    if (ClientCredentials.GRANT.equals(grantType)) {
      return clientCredentials.handle(form, request.header("authorization"), jkt);
    }
    return error(
        400,
        "unsupported_grant_type",
        "grant_type "
            + grantType
            + " is not supported; use "
            + DEVICE_GRANT
            + ", refresh_token or client_credentials");
  }

  private ApiResponse deviceCode(Map<String, String> form, String jkt) {
    String client = form.get("client_id");
    String deviceCode = form.get("device_code");
    if (client == null || client.isEmpty()) {
      return error(400, "invalid_request", "client_id is required");
    }
    if (deviceCode == null || deviceCode.isEmpty()) {
      return error(400, "invalid_request", "device_code is required");
    }
    if (!clientId.equals(client)) {
      return unknownClient(client);
    }
    DeviceCodes.Poll poll = codes.poll(deviceCode);
    switch (poll.result()) {
      case PENDING:
        return error(400, "authorization_pending", "the user has not approved the request yet");
      case SLOW_DOWN:
        return error(
            400,
            "slow_down",
            "polled sooner than the interval; poll at most every "
                + poll.code().interval().plus(DeviceCodes.SLOW_DOWN_STEP).toSeconds()
                + " s");
      case EXPIRED:
        return error(400, "expired_token", "the device code expired; start the sign-in again");
      case DENIED:
        return error(400, "access_denied", "the user denied the request");
      case APPROVED:
        DeviceCodes.Code c = poll.code();
        DevUser current = enabledUser.apply(c.user().username());
        if (current == null) {
          return disabled(c.user());
        }
        return tokens(current, c.scope(), c.authTime(), jkt);
      default:
        return error(400, "invalid_grant", "the device code is unknown or was already redeemed");
    }
  }

  private ApiResponse refresh(Map<String, String> form, String jkt) {
    String token = form.get("refresh_token");
    if (token == null || token.isEmpty()) {
      return error(400, "invalid_request", "refresh_token is required");
    }
    String client = form.get("client_id");
    if (client != null && !clientId.equals(client)) {
      return unknownClient(client);
    }
    // The IdP's word is rechecked on every refresh: a disabled user gets nothing more (and keeps
    // the token, so every later attempt says why, as Keycloak does).
    RefreshTokens.Grant live = refreshTokens.peek(token);
    if (live != null
        && (live.jkt() == null || live.jkt().equals(jkt))
        && enabledUser.apply(live.user().username()) == null) {
      return disabled(live.user());
    }
    RefreshTokens.Redeemed redeemed = refreshTokens.redeem(token, jkt);
    if (redeemed.grant() == null) {
      return error(400, "invalid_grant", redeemed.refusal());
    }
    RefreshTokens.Grant grant = redeemed.grant();
    DevUser current = enabledUser.apply(grant.user().username());
    if (current == null) {
      return disabled(grant.user());
    }
    return tokens(
        current, grant.scope(), grant.authTime(), grant.jkt() != null ? grant.jkt() : jkt);
  }

  /** RFC 7009: forgets the refresh token; unknown tokens get 200 too. */
  ApiResponse revoke(ApiRequest request) {
    Map<String, String> form;
    try {
      form = request.form();
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request", "the request body is not valid form encoding");
    }
    String token = form.get("token");
    if (token == null || token.isEmpty()) {
      return error(400, "invalid_request", "token is required");
    }
    String client = form.get("client_id");
    if (client != null && !clientId.equals(client)) {
      return unknownClient(client);
    }
    refreshTokens.revoke(token);
    return ApiResponse.json(200, Map.of()).withHeader("Cache-Control", "no-store");
  }

  private static ApiResponse disabled(DevUser user) {
    return error(
        400,
        "invalid_grant",
        "user " + user.username() + " is disabled at the identity provider or no longer exists");
  }

  private ApiResponse tokens(DevUser user, String scope, Instant authTime, String jkt) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", accessToken(user, scope, jkt));
    body.put("token_type", jkt == null ? "Bearer" : "DPoP");
    body.put("expires_in", TOKEN_LIFETIME.toSeconds());
    body.put("id_token", idToken(user, authTime));
    body.put("refresh_token", refreshTokens.issue(user, scope, authTime, jkt));
    body.put("scope", scope);
    return ApiResponse.json(200, body).withHeader("Cache-Control", "no-store");
  }

  /**
   * A person's access token, shaped like Keycloak's ({@code typ at+jwt}, {@code azp} the client,
   * {@code cnf.jkt} when bound): hoop never accepts it as a login, but tests offer it as one.
   */
  private String accessToken(DevUser user, String scope, String jkt) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(user.username())
            .audience(clientId)
            .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
            .issueTime(Date.from(now))
            .claim("azp", clientId)
            .claim("scope", scope)
            .claim("preferred_username", user.username())
            .claim("groups", user.groups())
            .jwtID(randomToken());
    if (jkt != null) {
      claims.claim("cnf", Map.of("jkt", jkt));
    }
    return sign(new JOSEObjectType("at+jwt"), claims.build());
  }

  String idToken(DevUser user, Instant authTime) {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(user.username())
            .audience(clientId)
            .expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .claim("auth_time", authTime.getEpochSecond())
            .claim("preferred_username", user.username())
            .claim("email", user.email())
            .claim("groups", user.groups())
            .jwtID(UUID.randomUUID().toString())
            .build();
    return sign(JOSEObjectType.JWT, claims);
  }

  private String sign(JOSEObjectType type, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(signingKey.getKeyID())
                .type(type)
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token with the dev IdP key", e);
    }
    return jwt.serialize();
  }

  private ApiResponse unknownClient(String client) {
    return error(
        401,
        "invalid_client",
        "client_id " + truncate(client) + " is unknown; this provider serves " + clientId);
  }

  /** An RFC 6749 §5.2 error response; never cached. */
  static ApiResponse error(int status, String error, String description) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    return ApiResponse.json(status, body).withHeader("Cache-Control", "no-store");
  }

  static String truncate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private String randomToken() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
