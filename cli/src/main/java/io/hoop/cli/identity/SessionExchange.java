package io.hoop.cli.identity;

import io.hoop.api.ApiError;
import io.hoop.api.Json;
import io.hoop.api.SessionResponse;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Trades a subject token for a broker session bound to the profile key ({@code POST
 * /v1/auth/token}).
 *
 * <p>The exchange goes through the JDK's HTTP client, not {@code HttpURLConnection}: the latter
 * drops the body of a 401 answer to a streamed POST, and that body is the broker's reason (a wrong
 * audience, an unknown client) and its next step, which the user must see.
 */
public final class SessionExchange {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  private SessionExchange() {}

  /**
   * @param brokerUrl the broker's base URL
   * @param type a {@link TokenExchangeRequest} token type
   */
  public static SessionResponse exchange(
      String brokerUrl, BrokerTls tls, DpopKey key, Clock clock, String token, String type) {
    return exchange(List.of(brokerUrl), tls, key, clock, token, type);
  }

  /**
   * As {@link #exchange(String, BrokerTls, DpopKey, Clock, String, String)}, going on to the next
   * of {@code brokerUrls} (the profile's URL, then the replicas) when a broker cannot be connected
   * to; a broker that answered is never asked twice.
   */
  public static SessionResponse exchange(
      List<String> brokerUrls, BrokerTls tls, DpopKey key, Clock clock, String token, String type) {
    for (int i = 0; ; i++) {
      String brokerUrl = brokerUrls.get(i);
      try {
        return exchangeWith(brokerUrl, tls, key, clock, token, type);
      } catch (IOException e) {
        if (i == brokerUrls.size() - 1 || !BrokerClient.couldNotConnect(e)) {
          throw BrokerClient.unreachable(brokerUrl, e);
        }
      }
    }
  }

  private static SessionResponse exchangeWith(
      String brokerUrl, BrokerTls tls, DpopKey key, Clock clock, String token, String type)
      throws IOException {
    String url = brokerUrl + "/v1/auth/token";
    HttpResponse<byte[]> response;
    try {
      byte[] body =
          Json.mapper()
              .writeValueAsBytes(
                  new TokenExchangeRequest(TokenExchangeRequest.GRANT_TYPE, token, type));
      HttpClient client =
          HttpClient.newBuilder().sslContext(tls.sslContext()).connectTimeout(TIMEOUT).build();
      response =
          client.send(
              HttpRequest.newBuilder(URI.create(url))
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/json")
                  .header("Accept", "application/json")
                  .header("DPoP", key.proof("POST", url, null, clock.instant()))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HoopException("interrupted while logging in to " + brokerUrl);
    }
    int status = response.statusCode();
    byte[] bytes = response.body();
    if (bytes.length > MAX_BODY_BYTES) {
      throw new HoopException("broker at " + brokerUrl + " answered a login with a huge body");
    }
    if (status / 100 == 2) {
      SessionResponse session;
      try {
        session = Json.mapper().readValue(bytes, SessionResponse.class);
      } catch (IOException e) {
        throw new HoopException(
            "broker at " + brokerUrl + " answered the login with a body that is not a session");
      }
      if (session.sessionToken() == null) {
        throw new HoopException(
            "broker at " + brokerUrl + " accepted the login but returned no session token");
      }
      return session;
    }
    ApiError error = apiError(bytes);
    // A broker from before token exchange knows only the ID-token login.
    if (status == 404 && TokenExchangeRequest.ID_TOKEN.equals(type)) {
      return new BrokerClient(brokerUrl, tls.transport(), DpopAuth.login(key, clock))
          .createSession(token);
    }
    if (status == 401 || status == 403) {
      // The login itself failed, not an old login: "run hoop login" would loop. Say what the
      // broker said, and its next step.
      String why = error != null && error.message() != null ? error.message() : "HTTP " + status;
      String next = error != null && error.hint() != null ? "; " + error.hint() : "";
      throw new HoopException.Denied(
          "broker at " + brokerUrl + " refused the login: " + why + next);
    }
    throw new BrokerException(status, error);
  }

  private static ApiError apiError(byte[] bytes) {
    try {
      ApiError.Envelope envelope = Json.mapper().readValue(bytes, ApiError.Envelope.class);
      return envelope == null ? null : envelope.error();
    } catch (IOException e) {
      return null;
    }
  }

  /** What a profile stores of a new session; bound to {@code key} unless the broker said Bearer. */
  public static Credentials credentials(
      SessionResponse session, DpopKey key, String refreshToken, LoginSource source) {
    boolean bound = "DPoP".equalsIgnoreCase(session.tokenType());
    return new Credentials(
        session.sessionToken(),
        session.expiresAt(),
        refreshToken,
        session.principal() == null ? null : session.principal().name(),
        bound ? key.thumbprint() : null,
        source,
        key.thumbprint());
  }
}
