package io.hoop.cli.identity;

import com.google.api.client.http.HttpHeaders;
import io.hoop.cli.broker.RequestAuth;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code Authorization: DPoP <session token>} plus a fresh {@code DPoP} proof per request; on login
 * (no session token yet) the proof alone, so the broker binds the new session to this key.
 */
public final class DpopAuth implements RequestAuth {
  private final DpopKey key;
  private final Supplier<String> sessionToken;
  private final Clock clock;

  private DpopAuth(DpopKey key, Supplier<String> sessionToken, Clock clock) {
    this.key = Objects.requireNonNull(key, "key");
    this.sessionToken = sessionToken;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Proofs without a token: for {@code POST /v1/auth/token}. */
  public static DpopAuth login(DpopKey key, Clock clock) {
    return new DpopAuth(key, null, clock);
  }

  /** A bound session whose token may be renewed while in use. */
  public static DpopAuth session(DpopKey key, Supplier<String> sessionToken, Clock clock) {
    return new DpopAuth(key, Objects.requireNonNull(sessionToken, "sessionToken"), clock);
  }

  @Override
  public void apply(HttpHeaders headers, String method, String url) {
    String token = sessionToken == null ? null : sessionToken.get();
    if (token != null) {
      headers.setAuthorization("DPoP " + token);
    }
    headers.set("DPoP", key.proof(method, url, token, clock.instant()));
  }

  @Override
  public String toString() {
    return "DpopAuth[key=" + key.thumbprint() + ", token=<redacted>]";
  }
}
