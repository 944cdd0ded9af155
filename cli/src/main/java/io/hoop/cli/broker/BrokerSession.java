package io.hoop.cli.broker;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.DpopKey;
import io.hoop.cli.identity.LiveCredentials;
import io.hoop.cli.identity.RenewalPolicy;
import io.hoop.cli.identity.Renewer;
import io.hoop.cli.time.DurationFormat;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;

/**
 * A logged-in profile: its broker settings, its live credentials and a client that sends them.
 *
 * @param profile broker URL and trust settings
 * @param tls how the broker is trusted (also used by the tunnel dialer)
 * @param client the authenticated API client
 * @param live the session token and key every request and tunnel connection presents
 * @param store where the login lives (renewals are saved there)
 */
public record BrokerSession(
    Profile profile, BrokerTls tls, BrokerClient client, LiveCredentials live, ProfileStore store) {
  /** An admin-minted broker token; no login, no stored file. */
  public static final String TOKEN_ENV = "HOOP_TOKEN";

  /**
   * Opens the session of a profile, renewing it when it is about to expire, or says to run {@code
   * hoop login}. {@code HOOP_TOKEN} in the store's environment replaces the stored login.
   */
  public static BrokerSession open(ProfileStore store, Clock clock) {
    if (store.environment().get(TOKEN_ENV) != null) {
      return fromEnvironment(store, clock);
    }
    Profile profile = store.requireProfile();
    Credentials credentials =
        store
            .credentials()
            .orElseThrow(
                () ->
                    new HoopException.NotLoggedIn(
                        "not logged in to "
                            + profile.brokerUrl()
                            + " (profile "
                            + store.name()
                            + "); run "
                            + store.loginCommand()));
    DpopKey key = boundKey(store, credentials);
    BrokerTls tls = BrokerTls.of(profile);
    LiveCredentials live = new LiveCredentials(credentials, key, clock);
    Renewer renewer = new Renewer(store, profile, tls, clock);
    switch (RenewalPolicy.decide(credentials, clock.instant())) {
      case RENEW:
        // Still valid for a moment: a failed renewal is not the command's problem yet.
        live.keepFresh(store, renewer, null);
        break;
      case RENEW_OR_LOGIN:
      case LOGIN:
        if (!live.keepFresh(store, renewer, null)) {
          throw expired(store, profile, credentials);
        }
        break;
      default:
        break;
    }
    return of(profile, tls, live, store);
  }

  /** A session whose API calls fail over to the replicas the environment names. */
  private static BrokerSession of(
      Profile profile, BrokerTls tls, LiveCredentials live, ProfileStore store) {
    return new BrokerSession(
        profile,
        tls,
        new BrokerClient(profile.brokerUrl(), tls.transport(), live)
            .withReplicas(BrokerReplicas.from(store.environment())),
        live,
        store);
  }

  /** The credentials presented right now. */
  public Credentials credentials() {
    return live.credentials();
  }

  /** Renews the session for the profile it came from. */
  public Renewer renewer() {
    return new Renewer(store, profile, tls, live.clock());
  }

  /** Whether the session came from {@code HOOP_TOKEN} (nothing to renew, nothing stored). */
  public boolean fromTokenEnvironment() {
    return LoginSource.ADMIN_TOKEN.equals(credentials().loginMethod());
  }

  private static DpopKey boundKey(ProfileStore store, Credentials credentials) {
    if (credentials.keyThumbprint() == null) {
      return null;
    }
    DpopKey key =
        store
            .key()
            .orElseThrow(
                () ->
                    new HoopException.NotLoggedIn(
                        "the login of profile "
                            + store.name()
                            + " is bound to a key that is not in "
                            + store.keyFile()
                            + " (credentials copied without their key cannot be used); run "
                            + store.loginCommand()));
    if (!key.thumbprint().equals(credentials.keyThumbprint())) {
      throw new HoopException.NotLoggedIn(
          "the login of profile "
              + store.name()
              + " is bound to another key than "
              + store.keyFile()
              + "; run "
              + store.loginCommand());
    }
    return key;
  }

  private static HoopException expired(ProfileStore store, Profile profile, Credentials c) {
    return new HoopException.NotLoggedIn(
        "your login to "
            + profile.brokerUrl()
            + " expired"
            + (c.sessionExpiresAt() == null
                ? ""
                : " at " + DurationFormat.local(c.sessionExpiresAt()))
            + store
                .renewalFailure()
                .map(f -> " and could not be renewed (" + f.reason() + ")")
                .orElse("")
            + "; run "
            + store.loginCommand());
  }

  private static BrokerSession fromEnvironment(ProfileStore store, Clock clock) {
    CliEnvironment env = store.environment();
    String token = env.get(TOKEN_ENV).strip();
    String url = env.get("HOOP_BROKER");
    if (url == null) {
      throw new HoopException.Usage(
          "HOOP_TOKEN is set but HOOP_BROKER is not; set HOOP_BROKER=https://HOST:PORT (and"
              + " HOOP_BROKER_FINGERPRINT or HOOP_CA_CERT)");
    }
    if (!url.regionMatches(true, 0, "https://", 0, 8)) {
      throw new HoopException.Usage(
          "HOOP_BROKER '" + url + "' must start with https:// (the broker only speaks TLS)");
    }
    String fingerprint = env.get("HOOP_BROKER_FINGERPRINT");
    Profile profile =
        new Profile(
            url.replaceAll("/+$", ""),
            fingerprint == null ? null : BrokerTls.normalizeFingerprint(fingerprint),
            fingerprint == null ? env.get("HOOP_CA_CERT") : null,
            null,
            null);
    Instant expires = unverifiedExpiry(token);
    if (expires != null && !clock.instant().isBefore(expires)) {
      throw new HoopException.NotLoggedIn(
          "HOOP_TOKEN expired at "
              + DurationFormat.local(expires)
              + "; ask an admin for a new one (hoop-broker token create)");
    }
    Credentials credentials =
        new Credentials(
            token,
            expires,
            null,
            null,
            null,
            new LoginSource(LoginSource.ADMIN_TOKEN, null, null, null, null, null));
    BrokerTls tls = BrokerTls.of(profile);
    LiveCredentials live = new LiveCredentials(credentials, null, clock);
    return of(profile, tls, live, store);
  }

  /** The token's {@code exp}, read without verification (the broker verifies), for messages. */
  private static Instant unverifiedExpiry(String token) {
    try {
      Date exp = com.nimbusds.jwt.JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
      return exp == null ? null : exp.toInstant();
    } catch (ParseException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "BrokerSession[broker=" + profile.brokerUrl() + ", credentials=" + credentials() + "]";
  }
}
