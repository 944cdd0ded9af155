package io.hoop.broker.config;

import java.time.Duration;
import java.util.List;

/** The embedded dev identity provider: its client id, users and device-flow timings. */
public record DevIdpConfig(
    String clientId, Duration codeTtl, Duration pollInterval, List<DevUserConfig> users) {

  /** A dev user: a name, an email and groups. */
  public record DevUserConfig(String username, String email, List<String> groups) {}
}
