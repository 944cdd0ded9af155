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

  /** A dev user: a name, an email and groups. */
  public record DevUserConfig(String username, String email, List<String> groups) {}

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
