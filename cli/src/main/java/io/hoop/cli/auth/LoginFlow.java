package io.hoop.cli.auth;

import io.hoop.api.AuthConfig;
import io.hoop.api.SessionResponse;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The whole login: the broker's auth config, the IdP's discovery document, the device flow, the
 * exchange of the ID token for a broker session, and storing the result in a profile.
 */
public final class LoginFlow {
  /** What the user has to see while the flow runs. */
  public interface Listener {
    /** The user has to open the verification page and enter the code. */
    void userCode(DeviceAuthorization authorization);

    /** Another poll of the token endpoint is about to be sent. */
    void polling(Duration elapsed, Duration interval);
  }

  private final Sleeper sleeper;
  private final Clock clock;

  public LoginFlow(Sleeper sleeper, Clock clock) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Logs in to the broker of {@code trust} and stores profile and credentials.
   *
   * @param trust broker URL plus fingerprint or CA path; issuer and client id are filled in here
   */
  public SessionResponse login(ProfileStore store, Profile trust, Listener listener)
      throws InterruptedException {
    BrokerTls tls = BrokerTls.of(trust);
    BrokerClient broker = new BrokerClient(trust.brokerUrl(), tls.transport(), null);
    AuthConfig config = broker.authConfig();
    if (config.issuer() == null || config.clientId() == null) {
      throw new HoopException(
          "broker at " + trust.brokerUrl() + " has no identity provider configured (no issuer)");
    }
    List<String> scopes =
        config.scopes() == null || config.scopes().isEmpty()
            ? List.of("openid", "profile", "email", "offline_access")
            : config.scopes();
    DeviceFlowClient idp =
        new DeviceFlowClient(
            tls.forUrl(trust.brokerUrl(), config.issuer()).transport(), sleeper, clock);
    ProviderMetadata metadata = idp.discover(config.issuer());
    DeviceAuthorization authorization =
        idp.authorize(metadata.deviceAuthorizationEndpoint(), config.clientId(), scopes);
    listener.userCode(authorization);
    TokenResponse tokens =
        idp.awaitTokens(
            metadata.tokenEndpoint(), config.clientId(), authorization, listener::polling);
    SessionResponse session = broker.createSession(tokens.idToken());
    if (session.sessionToken() == null) {
      throw new HoopException(
          "broker at " + trust.brokerUrl() + " accepted the login but returned no session token");
    }
    store.saveProfile(
        new Profile(
            trust.brokerUrl(),
            trust.fingerprint(),
            trust.caCertPath(),
            config.issuer(),
            config.clientId()));
    store.saveCredentials(
        new Credentials(
            session.sessionToken(),
            session.expiresAt(),
            tokens.refreshToken(),
            session.principal() == null ? null : session.principal().name()));
    return session;
  }
}
