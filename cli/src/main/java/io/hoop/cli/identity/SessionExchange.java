package io.hoop.cli.identity;

import io.hoop.api.SessionResponse;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import java.time.Clock;

/**
 * Trades a subject token for a broker session bound to the profile key ({@code POST
 * /v1/auth/token}).
 */
public final class SessionExchange {
  private SessionExchange() {}

  /**
   * @param brokerUrl the broker's base URL
   * @param type a {@link TokenExchangeRequest} token type
   */
  public static SessionResponse exchange(
      String brokerUrl, BrokerTls tls, DpopKey key, Clock clock, String token, String type) {
    BrokerClient broker = new BrokerClient(brokerUrl, tls.transport(), DpopAuth.login(key, clock));
    SessionResponse session;
    try {
      session =
          broker.exchange(new TokenExchangeRequest(TokenExchangeRequest.GRANT_TYPE, token, type));
    } catch (BrokerException e) {
      // A broker from before token exchange knows only the ID-token login.
      if (e.httpStatus() != 404 || !TokenExchangeRequest.ID_TOKEN.equals(type)) {
        throw e;
      }
      session = broker.createSession(token);
    } catch (HoopException.NotLoggedIn e) {
      // A 401 here is the login itself failing, not an old login: "run hoop login" would loop.
      throw new HoopException.Denied(
          "broker at "
              + brokerUrl
              + " refused the login: "
              + e.getMessage().replaceFirst("; run hoop login( again)?$", ""));
    }
    if (session.sessionToken() == null) {
      throw new HoopException(
          "broker at " + brokerUrl + " accepted the login but returned no session token");
    }
    return session;
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
