package io.hoop.broker.identity.devidp;

import static io.hoop.broker.identity.devidp.TokenEndpoint.error;
import static io.hoop.broker.identity.devidp.TokenEndpoint.truncate;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.broker.http.ApiResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dev IdP's client-credentials grant (RFC 6749 §4.4): a configured client authenticates with
 * its secret (form fields or HTTP Basic) and receives an RS256 JWT access token (RFC 9068 shape)
 * whose audience is the broker's client id. A request with a DPoP proof gets a token bound to the
 * proof's key ({@code cnf.jkt}, token type {@code DPoP}), as Keycloak issues them.
 */
final class ClientCredentials {
  static final String GRANT = "client_credentials";
  static final Duration LIFETIME = Duration.ofMinutes(5);

  private final String issuer;
  private final String audience;
  private final Map<String, DevClient> clients;
  private final RSAKey signingKey;
  private final RSASSASigner signer;
  private final Clock clock;

  ClientCredentials(
      String issuer, String audience, List<DevClient> clients, RSAKey signingKey, Clock clock) {
    this.issuer = issuer;
    this.audience = audience;
    Map<String, DevClient> byId = new LinkedHashMap<>();
    for (DevClient c : clients) {
      if (byId.put(c.id(), c) != null) {
        throw new IllegalArgumentException("dev IdP client '" + c.id() + "' is listed twice");
      }
    }
    this.clients = Map.copyOf(byId);
    this.signingKey = signingKey;
    this.clock = clock;
    try {
      this.signer = new RSASSASigner(signingKey);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot use the dev IdP key for signing", e);
    }
  }

  /**
   * @param jkt thumbprint of the request's verified DPoP proof, or null when it sent none
   */
  ApiResponse handle(Map<String, String> form, String authorization, String jkt) {
    String id = form.get("client_id");
    String secret = form.get("client_secret");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).trim()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return error(401, "invalid_client", "the Basic credentials are not valid base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return error(401, "invalid_client", "the Basic credentials have no ':'");
      }
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
      id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
      secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
    }
    if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
      return error(
          401, "invalid_client", "client_id and client_secret are required (form or HTTP Basic)");
    }
    DevClient client = clients.get(id);
    // Compare anyway when the client is unknown, so timing does not tell which ids exist.
    byte[] expected = (client == null ? "" : client.secret()).getBytes(StandardCharsets.UTF_8);
    boolean ok = MessageDigest.isEqual(expected, secret.getBytes(StandardCharsets.UTF_8));
    if (client == null || !ok) {
      return error(
          401, "invalid_client", "client " + truncate(id) + " is unknown or its secret is wrong");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", accessToken(client, jkt));
    body.put("token_type", jkt == null ? "Bearer" : "DPoP");
    body.put("expires_in", LIFETIME.toSeconds());
    return ApiResponse.json(200, body).withHeader("Cache-Control", "no-store");
  }

  private String accessToken(DevClient client, String jkt) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(client.id())
            .audience(audience)
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .jwtID(UUID.randomUUID().toString())
            .claim("client_id", client.id())
            .claim("groups", client.groups());
    if (jkt != null) {
      claims.claim("cnf", Map.of("jkt", jkt));
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(signingKey.getKeyID())
                .type(new JOSEObjectType("at+jwt"))
                .build(),
            claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token with the dev IdP key", e);
    }
    return jwt.serialize();
  }
}
