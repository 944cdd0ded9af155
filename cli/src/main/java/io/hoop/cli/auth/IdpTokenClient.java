package io.hoop.cli.auth;

import com.google.api.client.http.HttpTransport;
import io.hoop.cli.HoopException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The non-interactive grants of an identity provider's token endpoint: refresh token (RFC 6749
 * section 6) and client credentials (section 4.4).
 */
public final class IdpTokenClient {
  private final IdpHttp http;

  public IdpTokenClient(HttpTransport transport) {
    this.http = new IdpHttp(transport);
  }

  /**
   * Trades a refresh token for new tokens.
   *
   * @throws HoopException.NotLoggedIn when the provider refuses the refresh token
   */
  public TokenResponse refresh(String tokenEndpoint, String clientId, String refreshToken) {
    Objects.requireNonNull(refreshToken, "refreshToken");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("client_id", clientId);
    IdpHttp.Reply reply = http.send(tokenEndpoint, form, null);
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
