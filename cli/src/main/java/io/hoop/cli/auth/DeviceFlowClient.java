package io.hoop.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.http.HttpTransport;
import io.hoop.api.IssuerUrls;
import io.hoop.cli.HoopException;
import io.hoop.cli.identity.DpopKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 Device Authorization Grant (RFC 8628) client: discovery, device authorization, and
 * polling the token endpoint. It prints nothing; progress goes to a callback.
 */
public final class DeviceFlowClient {
  static final String DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

  /** Called before each poll of the token endpoint. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param elapsed time since polling started
     * @param interval the current wait between polls
     */
    void polling(Duration elapsed, Duration interval);
  }

  private final IdpHttp http;
  private final Sleeper sleeper;
  private final Clock clock;

  public DeviceFlowClient(HttpTransport transport, Sleeper sleeper, Clock clock) {
    this.http = new IdpHttp(transport, clock);
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads {@code <issuer>/.well-known/openid-configuration}; plain {@code http://} only on
   * loopback, for the issuer and every endpoint it names.
   */
  public ProviderMetadata discover(String issuer) {
    requireSecure("issuer", issuer);
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    String url = base + "/.well-known/openid-configuration";
    IdpHttp.Reply reply = send(url, null);
    if (reply.status() != 200) {
      throw new HoopException(
          "identity provider discovery at " + url + " answered HTTP " + reply.status());
    }
    List<String> dpop = new ArrayList<>();
    reply.json().path("dpop_signing_alg_values_supported").forEach(n -> dpop.add(n.asText()));
    ProviderMetadata m =
        new ProviderMetadata(
            text(reply.json(), "issuer", url, false),
            text(reply.json(), "device_authorization_endpoint", url, false),
            text(reply.json(), "token_endpoint", url, true),
            text(reply.json(), "revocation_endpoint", url, false),
            dpop);
    requireSecure("token endpoint", m.tokenEndpoint());
    if (m.deviceAuthorizationEndpoint() != null) {
      requireSecure("device authorization endpoint", m.deviceAuthorizationEndpoint());
    }
    if (m.revocationEndpoint() != null) {
      requireSecure("revocation endpoint", m.revocationEndpoint());
    }
    return m;
  }

  private static void requireSecure(String what, String url) {
    if (!IssuerUrls.acceptable(url)) {
      throw new HoopException(
          "identity provider "
              + what
              + " '"
              + url
              + "' "
              + IssuerUrls.expectation()
              + "; tokens must not cross a network in clear");
    }
  }

  /** Starts a device authorization (RFC 8628 section 3.1). */
  public DeviceAuthorization authorize(String endpoint, String clientId, List<String> scopes) {
    if (endpoint == null) {
      throw new HoopException(
          "the identity provider offers no device authorization endpoint; enable the device"
              + " authorization grant for client "
              + clientId
              + " (see README, Logging in)");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", clientId);
    form.put("scope", String.join(" ", scopes));
    IdpHttp.Reply reply = send(endpoint, form);
    if (reply.status() != 200) {
      throw new HoopException(
          "identity provider refused the device authorization at "
              + endpoint
              + ": "
              + describeError(reply.json(), reply.status()));
    }
    JsonNode json = reply.json();
    return new DeviceAuthorization(
        text(json, "device_code", endpoint, true),
        text(json, "user_code", endpoint, true),
        text(json, "verification_uri", endpoint, true),
        text(json, "verification_uri_complete", endpoint, false),
        seconds(json, "expires_in", Duration.ofMinutes(10)),
        seconds(json, "interval", DEFAULT_INTERVAL));
  }

  /**
   * Polls the token endpoint until the user finished signing in (RFC 8628 section 3.4/3.5).
   *
   * @throws HoopException.Denied when the user or provider denied the sign-in
   * @throws HoopException when the code expired or the provider answered something else
   */
  public TokenResponse awaitTokens(
      String tokenEndpoint, String clientId, DeviceAuthorization authorization, Progress progress)
      throws InterruptedException {
    return awaitTokens(tokenEndpoint, clientId, authorization, null, progress);
  }

  /**
   * As {@link #awaitTokens(String, String, DeviceAuthorization, Progress)}, each poll with a DPoP
   * proof by {@code key} (when not null), so the provider binds the refresh token to it.
   */
  public TokenResponse awaitTokens(
      String tokenEndpoint,
      String clientId,
      DeviceAuthorization authorization,
      DpopKey key,
      Progress progress)
      throws InterruptedException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", DEVICE_CODE_GRANT);
    form.put("device_code", authorization.deviceCode());
    form.put("client_id", clientId);
    Instant start = clock.instant();
    Instant deadline = start.plus(authorization.expiresIn());
    Duration interval = authorization.interval();
    while (true) {
      sleeper.sleep(interval);
      Instant now = clock.instant();
      if (now.isAfter(deadline)) {
        throw expired();
      }
      progress.polling(Duration.between(start, now), interval);
      IdpHttp.Reply reply = http.post(tokenEndpoint, form, null, key);
      if (reply.status() == 200) {
        return new TokenResponse(
            text(reply.json(), "id_token", tokenEndpoint, true),
            text(reply.json(), "access_token", tokenEndpoint, false),
            text(reply.json(), "refresh_token", tokenEndpoint, false));
      }
      String error = reply.json().path("error").asText("");
      switch (error) {
        case "authorization_pending":
          break;
        case "slow_down":
          // RFC 8628 3.5: this and all subsequent requests wait 5 seconds longer.
          interval = interval.plus(SLOW_DOWN_STEP);
          break;
        case "expired_token":
          throw expired();
        case "access_denied":
          throw new HoopException.Denied("sign-in was denied at the identity provider");
        default:
          throw new HoopException(
              "identity provider refused the sign-in: "
                  + describeError(reply.json(), reply.status()));
      }
    }
  }

  private static HoopException expired() {
    return new HoopException("the code expired before sign-in finished; run hoop login again");
  }

  private static Duration seconds(JsonNode json, String field, Duration fallback) {
    JsonNode node = json.get(field);
    if (node == null || !node.canConvertToLong() || node.asLong() <= 0) {
      return fallback;
    }
    // A hostile provider must not make us wait for days or spin without a pause.
    return Duration.ofSeconds(Math.min(node.asLong(), 3600));
  }

  private IdpHttp.Reply send(String url, Map<String, String> form) {
    return http.send(url, form, null);
  }

  private static String describeError(JsonNode json, int status) {
    return IdpHttp.describeError(json, status);
  }

  private static String text(JsonNode json, String field, String url, boolean required) {
    return IdpHttp.text(json, field, url, required);
  }
}
