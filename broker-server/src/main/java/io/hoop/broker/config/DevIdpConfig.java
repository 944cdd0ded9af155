package io.hoop.broker.config;

import java.time.Duration;
import java.util.List;

/**
 * The embedded dev identity provider: its client id, users, device-flow timings and the clients it
 * serves with the client-credentials grant.
 */
public record DevIdpConfig(
    String clientId,
    Duration codeTtl,
    Duration pollInterval,
    List<DevUserConfig> users,
    List<DevClientConfig> clients) {

  /**
   * A dev user: a name, an email and groups; a disabled one can neither sign in nor refresh (a
   * config reload applies it, so the test of "a user disabled at the IdP" runs without restart).
   */
  public record DevUserConfig(
      String username, String email, List<String> groups, boolean disabled) {
    /** An enabled user. */
    public DevUserConfig(String username, String email, List<String> groups) {
      this(username, email, groups, false);
    }
  }

  /**
   * A machine client of the dev IdP (client-credentials grant); the secret is read from its file.
   */
  public record DevClientConfig(String id, String secret, List<String> groups) {
    @Override
    public String toString() {
      return "DevClientConfig[id=" + id + ", secret=<redacted>, groups=" + groups + "]";
    }
  }
}
