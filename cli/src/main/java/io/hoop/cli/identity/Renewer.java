package io.hoop.cli.identity;

import com.google.api.client.http.HttpTransport;
import io.hoop.api.SessionResponse;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.DeviceFlowClient;
import io.hoop.cli.auth.IdpTokenClient;
import io.hoop.cli.auth.ProviderMetadata;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.auth.TokenResponse;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Repeats a profile's login without the user: the IdP refresh token for device logins, client
 * credentials again, or the workload's federated token read anew. The profile key stays the same.
 */
public final class Renewer {
  private final ProfileStore store;
  private final Profile profile;
  private final BrokerTls tls;
  private final Clock clock;

  public Renewer(ProfileStore store, Profile profile, BrokerTls tls, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Renews and stores the session.
   *
   * @throws HoopException when the identity provider, the token source or the broker says no
   */
  public Credentials renew(Credentials old, DpopKey key) {
    LoginSource source = old.source();
    if (!RenewalPolicy.renewable(old)) {
      throw new HoopException.NotLoggedIn("this login cannot be renewed without you");
    }
    String token;
    String type;
    String refreshToken = null;
    switch (source.method()) {
      case LoginSource.DEVICE:
        {
          TokenResponse tokens =
              new IdpTokenClient(idpTransport())
                  .refresh(metadata().tokenEndpoint(), profile.clientId(), old.refreshToken());
          token = tokens.idToken();
          type = TokenExchangeRequest.ID_TOKEN;
          // Providers that do not rotate refresh tokens send none back: keep the old one.
          refreshToken = tokens.refreshToken() != null ? tokens.refreshToken() : old.refreshToken();
          break;
        }
      case LoginSource.CLIENT_CREDENTIALS:
        {
          String secret =
              SecretFiles.readOwnerOnly(Path.of(source.secretFile()), "client secret file");
          token =
              new IdpTokenClient(idpTransport())
                  .clientCredentials(metadata().tokenEndpoint(), source.clientId(), secret, null);
          type = TokenExchangeRequest.ACCESS_TOKEN;
          break;
        }
      default:
        token = FederatedTokens.read(source, environment());
        type = TokenExchangeRequest.JWT;
        break;
    }
    SessionResponse session =
        SessionExchange.exchange(profile.brokerUrl(), tls, key, clock, token, type);
    Credentials renewed = SessionExchange.credentials(session, key, refreshToken, source);
    store.saveCredentials(renewed);
    return renewed;
  }

  private CliEnvironment environment() {
    return store.environment();
  }

  private ProviderMetadata metadata() {
    if (profile.issuer() == null) {
      throw new HoopException.NotLoggedIn(
          "profile '" + store.name() + "' does not know its identity provider");
    }
    return new DeviceFlowClient(idpTransport(), Sleeper.REAL, clock).discover(profile.issuer());
  }

  private HttpTransport idpTransport() {
    return tls.forUrl(profile.brokerUrl(), profile.issuer()).transport();
  }
}
