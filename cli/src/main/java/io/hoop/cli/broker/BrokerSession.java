package io.hoop.cli.broker;

import io.hoop.cli.HoopException;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.time.DurationFormat;
import java.time.Clock;

/**
 * A logged-in profile: its broker settings, its credentials and a client that sends them.
 *
 * @param profile broker URL and trust settings
 * @param credentials the session token and friends
 * @param tls how the broker is trusted (also used by the tunnel dialer)
 * @param client the authenticated API client
 */
public record BrokerSession(
    Profile profile, Credentials credentials, BrokerTls tls, BrokerClient client) {

  /** Opens the stored session of a profile, or says to run {@code hoop login}. */
  public static BrokerSession open(ProfileStore store, Clock clock) {
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
                            + "); run hoop login"));
    if (credentials.sessionExpiresAt() != null
        && !clock.instant().isBefore(credentials.sessionExpiresAt())) {
      throw new HoopException.NotLoggedIn(
          "session for "
              + profile.brokerUrl()
              + " expired at "
              + DurationFormat.local(credentials.sessionExpiresAt())
              + "; run hoop login");
    }
    BrokerTls tls = BrokerTls.of(profile);
    return new BrokerSession(
        profile,
        credentials,
        tls,
        new BrokerClient(profile.brokerUrl(), tls.transport(), credentials.sessionToken()));
  }

  @Override
  public String toString() {
    return "BrokerSession[broker=" + profile.brokerUrl() + ", credentials=" + credentials + "]";
  }
}
