package io.hoop.broker.identity.devidp;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A machine client of the dev identity provider, for the client-credentials grant.
 *
 * @param id the {@code client_id}; becomes {@code sub} and {@code client_id} of its access tokens
 * @param secret the {@code client_secret}
 * @param groups the {@code groups} claim
 */
public record DevClient(String id, String secret, List<String> groups) {
  public DevClient {
    requireNonNull(id, "id");
    requireNonNull(secret, "secret");
    groups = List.copyOf(requireNonNull(groups, "groups"));
    if (secret.length() < 16) {
      throw new IllegalArgumentException(
          "dev client '" + id + "' secret is " + secret.length() + " characters; at least 16");
    }
  }

  @Override
  public String toString() {
    return "DevClient[id=" + id + ", secret=<redacted>, groups=" + groups + "]";
  }
}
