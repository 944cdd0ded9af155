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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The dev identity provider's token endpoint: device-code and refresh-token grants. */
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

  TokenEndpoint(
      String issuer,
      String clientId,
      DeviceCodes codes,
      RefreshTokens refreshTokens,
      RSAKey signingKey,
      Clock clock,
      ClientCredentials clientCredentials) {
    this.clientCredentials = clientCredentials;
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
    if (DEVICE_GRANT.equals(grantType)) {
      return deviceCode(form);
    }
    if (REFRESH_GRANT.equals(grantType)) {
      return refresh(form);
    }
    if (ClientCredentials.GRANT.equals(grantType)) {
      return clientCredentials.handle(form, request.header("authorization"));
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

  private ApiResponse deviceCode(Map<String, String> form) {
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
        return tokens(c.user(), c.scope(), c.authTime());
      default:
        return error(400, "invalid_grant", "the device code is unknown or was already redeemed");
    }
  }

  private ApiResponse refresh(Map<String, String> form) {
    String token = form.get("refresh_token");
    if (token == null || token.isEmpty()) {
      return error(400, "invalid_request", "refresh_token is required");
    }
    String client = form.get("client_id");
    if (client != null && !clientId.equals(client)) {
      return unknownClient(client);
    }
    RefreshTokens.Grant grant = refreshTokens.redeem(token);
    if (grant == null) {
      return error(400, "invalid_grant", "the refresh token is unknown, expired or already used");
    }
    return tokens(grant.user(), grant.scope(), grant.authTime());
  }

  private ApiResponse tokens(DevUser user, String scope, Instant authTime) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", randomToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", TOKEN_LIFETIME.toSeconds());
    body.put("id_token", idToken(user, authTime));
    body.put("refresh_token", refreshTokens.issue(user, scope, authTime));
    body.put("scope", scope);
    return ApiResponse.json(200, body).withHeader("Cache-Control", "no-store");
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
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(signingKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an ID token with the dev IdP key", e);
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
