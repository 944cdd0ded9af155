package io.hoop.cli.auth;

import com.google.api.client.http.HttpTransport;
import io.hoop.api.AuthConfig;
import io.hoop.api.SessionResponse;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.broker.RequestAuth;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.DpopKey;
import io.hoop.cli.identity.FederatedTokens;
import io.hoop.cli.identity.SecretFiles;
import io.hoop.cli.identity.SessionExchange;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The whole login: the broker's auth config, a token from the identity provider (device flow,
 * client credentials) or from the workload (federation), its exchange for a broker session bound to
 * a new profile key, and storing profile, key and credentials.
 */
public final class LoginFlow {
  /** The issuer of GitHub Actions OIDC tokens. */
  public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

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

  /** The broker's auth config and how to reach its identity provider. */
  private record Broker(Profile trust, BrokerTls tls, BrokerClient client, AuthConfig config) {
    Profile completed() {
      return new Profile(
          trust.brokerUrl(),
          trust.fingerprint(),
          trust.caCertPath(),
          config.issuer(),
          config.clientId());
    }

    DeviceFlowClient idp(Sleeper sleeper, Clock clock) {
      return new DeviceFlowClient(idpTransport(), sleeper, clock);
    }

    HttpTransport idpTransport() {
      return IdpTransports.of(tls, trust.brokerUrl(), config.issuer(), config.issuerCaPem());
    }

    void requireIssuer() {
      if (config.issuer() == null || config.clientId() == null) {
        throw new HoopException(
            "broker at " + trust.brokerUrl() + " has no identity provider configured (no issuer)");
      }
    }
  }

  private static Broker broker(Profile trust) {
    BrokerTls tls = BrokerTls.of(trust);
    BrokerClient client = new BrokerClient(trust.brokerUrl(), tls.transport(), RequestAuth.none());
    return new Broker(trust, tls, client, client.authConfig());
  }

  /**
   * Device flow: logs in to the broker of {@code trust} and stores profile, key and credentials.
   *
   * @param trust broker URL plus fingerprint or CA path; issuer and client id are filled in here
   */
  public SessionResponse login(ProfileStore store, Profile trust, Listener listener)
      throws InterruptedException {
    Broker broker = broker(trust);
    broker.requireIssuer();
    AuthConfig config = broker.config();
    List<String> scopes =
        config.scopes() == null || config.scopes().isEmpty()
            ? List.of("openid", "profile", "email", "offline_access")
            : config.scopes();
    DeviceFlowClient idp = broker.idp(sleeper, clock);
    ProviderMetadata metadata = idp.discover(config.issuer());
    // The key exists before the device flow: where the provider supports DPoP, it binds the
    // refresh token to this key, so a copied credentials.json is useless without dpop.jwk.
    DpopKey key = metadata.newKey();
    DeviceAuthorization authorization =
        idp.authorize(metadata.deviceAuthorizationEndpoint(), config.clientId(), scopes);
    listener.userCode(authorization);
    TokenResponse tokens =
        idp.awaitTokens(
            metadata.tokenEndpoint(),
            config.clientId(),
            authorization,
            metadata.bindsTo(key) ? key : null,
            listener::polling);
    return complete(
        store,
        broker,
        key,
        tokens.idToken(),
        TokenExchangeRequest.ID_TOKEN,
        tokens.refreshToken(),
        LoginSource.device());
  }

  /**
   * OAuth client credentials at the broker's identity provider; the secret file must be readable by
   * its owner only. Only the file's path is stored, so later commands can renew.
   */
  public SessionResponse loginClientCredentials(
      ProfileStore store, Profile trust, String clientId, Path secretFile) {
    Path secretPath = secretFile.toAbsolutePath();
    String secret = SecretFiles.readOwnerOnly(secretPath, "client secret file");
    Broker broker = broker(trust);
    broker.requireIssuer();
    DeviceFlowClient idp = broker.idp(sleeper, clock);
    ProviderMetadata metadata = idp.discover(broker.config().issuer());
    String accessToken =
        new IdpTokenClient(broker.idpTransport(), clock)
            .clientCredentials(metadata.tokenEndpoint(), clientId, secret, null);
    return complete(
        store,
        broker,
        DpopKey.generate(),
        accessToken,
        TokenExchangeRequest.ACCESS_TOKEN,
        null,
        new LoginSource(
            LoginSource.CLIENT_CREDENTIALS, clientId, secretPath.toString(), null, null, null));
  }

  /**
   * Workload identity federation: a token from a file, a variable or GitHub Actions.
   *
   * @param source names the token; a GitHub source with a null audience takes the audience the
   *     broker's auth config lists for GitHub's issuer
   */
  public SessionResponse loginFederated(ProfileStore store, Profile trust, LoginSource source) {
    Broker broker = broker(trust);
    LoginSource resolved = source;
    if (source.tokenFile() == null
        && source.tokenEnv() == null
        && source.githubAudience() == null) {
      resolved =
          new LoginSource(
              LoginSource.FEDERATED, null, null, null, null, githubAudience(broker.config()));
    }
    String token = FederatedTokens.read(resolved, store.environment());
    return complete(
        store, broker, DpopKey.generate(), token, TokenExchangeRequest.JWT, null, resolved);
  }

  private static String githubAudience(AuthConfig config) {
    for (AuthConfig.FederatedIssuer entry : config.federation()) {
      if (GITHUB_ISSUER.equals(entry.issuer()) && entry.audience() != null) {
        return entry.audience();
      }
    }
    throw new HoopException.Usage(
        "the broker lists no audience for GitHub Actions tokens; pass --audience AUD (the"
            + " audience of the github-actions entry in the broker's identity.federation)");
  }

  /** Every login makes a new key: a key that leaked with an old login dies with it. */
  private SessionResponse complete(
      ProfileStore store,
      Broker broker,
      DpopKey key,
      String subjectToken,
      String type,
      String refreshToken,
      LoginSource source) {
    SessionResponse session =
        SessionExchange.exchange(
            broker.trust().brokerUrl(), broker.tls(), key, clock, subjectToken, type);
    store.saveProfile(broker.completed());
    store.saveIssuerCa(broker.config().issuerCaPem());
    store.saveKey(key);
    store.saveCredentials(SessionExchange.credentials(session, key, refreshToken, source));
    return session;
  }
}
