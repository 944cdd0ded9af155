package io.hoop.cli.auth;

import com.google.api.client.http.HttpTransport;
import io.hoop.cli.HoopException;
import io.hoop.cli.identity.DpopKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The non-interactive calls of an identity provider: refresh token (RFC 6749 section 6), client
 * credentials (section 4.4) and revocation (RFC 7009).
 */
public final class IdpTokenClient {
  private final IdpHttp http;

  public IdpTokenClient(HttpTransport transport) {
    this(transport, Clock.systemUTC());
  }

  public IdpTokenClient(HttpTransport transport, Clock clock) {
    this.http = new IdpHttp(transport, clock);
  }

  /**
   * Trades a refresh token for new tokens, with a DPoP proof by {@code key} when not null (a
   * DPoP-bound refresh token is refused without one).
   *
   * @throws HoopException.NotLoggedIn when the provider refuses the refresh token
   */
  public TokenResponse refresh(
      String tokenEndpoint, String clientId, String refreshToken, DpopKey key) {
    Objects.requireNonNull(refreshToken, "refreshToken");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("client_id", clientId);
    IdpHttp.Reply reply = http.post(tokenEndpoint, form, null, key);
    if (reply.status() != 200) {
      throw new HoopException.NotLoggedIn(
          "identity provider refused the refresh token: "
              + IdpHttp.describeError(reply.json(), reply.status()));
    }
    return new TokenResponse(
        IdpHttp.text(reply.json(), "id_token", tokenEndpoint, true),
        IdpHttp.text(reply.json(), "access_token", tokenEndpoint, false),
        IdpHttp.text(reply.json(), "refresh_token", tokenEndpoint, false));
  }

  /**
   * Revokes a refresh token (RFC 7009), with a DPoP proof by {@code key} when not null.
   *
   * @throws HoopException when the provider cannot be reached or refuses
   */
  public void revoke(String revocationEndpoint, String clientId, String refreshToken, DpopKey key) {
    Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
    Objects.requireNonNull(refreshToken, "refreshToken");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", refreshToken);
    form.put("token_type_hint", "refresh_token");
    form.put("client_id", clientId);
    IdpHttp.Reply reply = http.post(revocationEndpoint, form, null, key);
    if (reply.status() != 200) {
      throw new HoopException(
          "identity provider at "
              + revocationEndpoint
              + " refused to revoke the refresh token: "
              + IdpHttp.describeError(reply.json(), reply.status()));
    }
  }

  /**
   * Client credentials: returns the access token (a JWT the broker validates).
   *
   * @throws HoopException.Denied when the provider refuses the client
   */
  public String clientCredentials(
      String tokenEndpoint, String clientId, String clientSecret, String scope) {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    if (scope != null) {
      form.put("scope", scope);
    }
    // RFC 6749 2.3.1: HTTP Basic with form-encoded id and secret is what every provider accepts.
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (formEncode(clientId) + ":" + formEncode(clientSecret))
                        .getBytes(StandardCharsets.UTF_8));
    IdpHttp.Reply reply = http.send(tokenEndpoint, form, basic);
    if (reply.status() != 200) {
      String why = IdpHttp.describeError(reply.json(), reply.status());
      if (reply.status() == 400 || reply.status() == 401) {
        throw new HoopException.Denied(
            "identity provider at " + tokenEndpoint + " refused client " + clientId + ": " + why);
      }
      throw new HoopException(
          "identity provider at " + tokenEndpoint + " failed client credentials: " + why);
    }
    return IdpHttp.text(reply.json(), "access_token", tokenEndpoint, true);
  }

  private static String formEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
