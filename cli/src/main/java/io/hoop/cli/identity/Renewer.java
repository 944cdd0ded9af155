package io.hoop.cli.identity;

import com.google.api.client.http.HttpTransport;
import io.hoop.api.SessionResponse;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.DeviceFlowClient;
import io.hoop.cli.auth.IdpTokenClient;
import io.hoop.cli.auth.IdpTransports;
import io.hoop.cli.auth.ProviderMetadata;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.auth.TokenResponse;
import io.hoop.cli.broker.BrokerReplicas;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Repeats a profile's login without the user: the IdP refresh token for device logins (always a
 * fresh ID token: a stored one is never presented again), client credentials again, or the
 * workload's federated token read anew. The profile key stays the one the login made: a renewal
 * with any other key is refused, and where the IdP binds refresh tokens with DPoP the refresh
 * carries a proof by that key.
 */
public final class Renewer {
  private final ProfileStore store;
  private final Profile profile;
  private final BrokerTls tls;
  private final Clock clock;
  private volatile HttpTransport transport;

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
    requireLoginKey(old, key);
    String token;
    String type;
    String refreshToken = null;
    switch (source.method()) {
      case LoginSource.DEVICE:
        {
          ProviderMetadata metadata = metadata();
          TokenResponse tokens =
              new IdpTokenClient(idpTransport(), clock)
                  .refresh(
                      metadata.tokenEndpoint(),
                      profile.clientId(),
                      old.refreshToken(),
                      metadata.bindsTo(key) ? key : null);
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
              new IdpTokenClient(idpTransport(), clock)
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
        SessionExchange.exchange(
            BrokerReplicas.baseUrls(profile.brokerUrl(), BrokerReplicas.from(environment())),
            tls,
            key,
            clock,
            token,
            type);
    Credentials renewed = SessionExchange.credentials(session, key, refreshToken, source);
    store.saveCredentials(renewed);
    return renewed;
  }

  /**
   * Revokes the login's refresh token at the identity provider (RFC 7009), so a copy of it is
   * worthless after {@code hoop logout}.
   *
   * @param key the login key, for a DPoP proof where the provider binds tokens; may be null
   * @return false when there was no refresh token to revoke
   * @throws HoopException when the provider offers no revocation endpoint, cannot be reached or
   *     refuses
   */
  public boolean revokeRefreshToken(Credentials credentials, DpopKey key) {
    if (credentials.refreshToken() == null || profile.issuer() == null) {
      return false;
    }
    ProviderMetadata metadata = metadata();
    if (metadata.revocationEndpoint() == null) {
      throw new HoopException(
          "the identity provider "
              + profile.issuer()
              + " offers no revocation endpoint; the refresh token stays valid there until it"
              + " expires or an admin ends the session at the provider");
    }
    new IdpTokenClient(idpTransport(), clock)
        .revoke(
            metadata.revocationEndpoint(),
            profile.clientId(),
            credentials.refreshToken(),
            metadata.bindsTo(key) ? key : null);
    return true;
  }

  /**
   * The key must be the one the login made, and still {@code dpop.jwk}: a session is never moved to
   * a key swapped in since (an attacker's, or one others could read).
   */
  private void requireLoginKey(Credentials old, DpopKey key) {
    String expected =
        old.loginKeyThumbprint() != null ? old.loginKeyThumbprint() : old.keyThumbprint();
    if (expected == null) {
      return;
    }
    DpopKey stored = store.key().orElse(null);
    if (key == null
        || !expected.equals(key.thumbprint())
        || stored == null
        || !expected.equals(stored.thumbprint())) {
      throw new HoopException.NotLoggedIn(
          "the login of profile "
              + store.name()
              + " was made with another key than "
              + store.keyFile()
              + " (the file was replaced or removed), so it is not renewed; run "
              + store.loginCommand());
    }
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
    HttpTransport t = transport;
    if (t == null) {
      // The IdP's private CA (identity.caFile) came from the broker, over its pinned TLS, at login.
      t =
          IdpTransports.of(
              tls, profile.brokerUrl(), profile.issuer(), store.issuerCa().orElse(null));
      transport = t;
    }
    return t;
  }
}
