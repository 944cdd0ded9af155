package io.hoop.cli.broker;

import com.google.api.client.http.HttpHeaders;
import java.util.Objects;

/**
 * How a request to the broker proves who sends it: nothing (public endpoints), a Bearer token
 * (admin-minted {@code HOOP_TOKEN}), or a DPoP-bound session token with a fresh proof.
 */
@FunctionalInterface
public interface RequestAuth {
  /**
   * Adds the authentication headers of one request.
   *
   * @param method the HTTP method
   * @param url the full request URL (the proof's {@code htu} drops the query)
   */
  void apply(HttpHeaders headers, String method, String url);

  /** No authentication. */
  static RequestAuth none() {
    return (headers, method, url) -> {};
  }

  /** {@code Authorization: Bearer <token>}, for unbound tokens only. */
  static RequestAuth bearer(String token) {
    Objects.requireNonNull(token, "token");
    return new RequestAuth() {
      @Override
      public void apply(HttpHeaders headers, String method, String url) {
        headers.setAuthorization("Bearer " + token);
      }

      @Override
      public String toString() {
        return "RequestAuth[Bearer <redacted>]";
      }
    };
  }
}
