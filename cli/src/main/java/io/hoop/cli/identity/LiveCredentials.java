package io.hoop.cli.identity;

import com.google.api.client.http.HttpHeaders;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.RequestAuth;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.config.RenewalFailure;
import io.hoop.tunnel.protocol.Handshake;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The session a running command presents: token and key, swapped atomically when the session is
 * renewed (or when {@code hoop login} ran meanwhile in another terminal), read by every API call
 * and by every new tunnel connection.
 */
public final class LiveCredentials implements RequestAuth {
  /** A session token and the key it is bound to (null for unbound tokens). */
  record State(Credentials credentials, DpopKey key) {
    @Override
    public String toString() {
      return "State[" + credentials + ", key=" + key + "]";
    }
  }

  private final AtomicReference<State> state;
  private final Clock clock;
  private volatile RenewalFailure lastFailure;

  public LiveCredentials(Credentials credentials, DpopKey key, Clock clock) {
    this.state = new AtomicReference<>(new State(credentials, key));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Clock clock() {
    return clock;
  }

  public Credentials credentials() {
    return state.get().credentials();
  }

  /** The key the current session is bound to, if any. */
  public Optional<DpopKey> key() {
    return Optional.ofNullable(state.get().key());
  }

  void replace(Credentials credentials, DpopKey key) {
    state.set(new State(credentials, key));
    lastFailure = null;
  }

  /**
   * Why the last renewal in this process failed, while it is not renewed since: {@code hoop
   * connect} shows it on its status line.
   */
  public Optional<RenewalFailure> renewalFailure() {
    return Optional.ofNullable(lastFailure);
  }

  @Override
  public void apply(HttpHeaders headers, String method, String url) {
    State s = state.get();
    String token = s.credentials().sessionToken();
    if (s.key() == null) {
      headers.setAuthorization("Bearer " + token);
      return;
    }
    headers.setAuthorization("DPoP " + token);
    headers.set("DPoP", s.key().proof(method, url, token, clock.instant()));
  }

  /**
   * The handshake of each new tunnel connection, built on the event loop: the current session token
   * and a {@code TUNNEL} proof for the grant (one signature, no I/O).
   */
  public Supplier<Handshake> handshake(String grantId, String grantToken) {
    Objects.requireNonNull(grantToken, "grantToken");
    String uri = DpopKey.tunnelUri(grantId);
    return () -> {
      State s = state.get();
      String token = s.credentials().sessionToken();
      String proof =
          s.key() == null
              ? null
              : s.key().proof(DpopKey.TUNNEL_METHOD, uri, token, clock.instant());
      return new Handshake(grantToken, token, proof);
    };
  }

  /**
   * Makes the session usable for a while longer if it can: adopts a newer login from the store
   * (another terminal ran {@code hoop login}), else renews it.
   *
   * @return whether the session is now fresh; false means renewal failed (reported on {@code err}
   *     only when {@code err} is not null)
   */
  public boolean keepFresh(ProfileStore store, Renewer renewer, PrintWriter err) {
    State s = state.get();
    RenewalPolicy.Decision decision = RenewalPolicy.decide(s.credentials(), clock.instant());
    if (decision == RenewalPolicy.Decision.USE) {
      return true;
    }
    if (adoptStored(store, s)) {
      return true;
    }
    if (decision == RenewalPolicy.Decision.USE_UNTIL_EXPIRY
        || decision == RenewalPolicy.Decision.LOGIN) {
      return false;
    }
    try {
      replace(renewer.renew(s.credentials(), s.key()), s.key());
      return true;
    } catch (HoopException | java.io.UncheckedIOException e) {
      // A concurrent renewal (refresh tokens are single-use) may have won: take its result.
      if (adoptStored(store, state.get())) {
        return true;
      }
      RenewalFailure failure = new RenewalFailure(clock.instant(), oneLine(e.getMessage()));
      lastFailure = failure;
      try {
        store.saveRenewalFailure(failure);
      } catch (RuntimeException ignored) {
        // Showing the failure later is a courtesy; the renewal's outcome stands.
      }
      if (err != null) {
        err.println("hoop: cannot renew the login: " + e.getMessage());
        err.flush();
      }
      return false;
    }
  }

  private boolean adoptStored(ProfileStore store, State current) {
    Optional<Credentials> stored;
    Optional<DpopKey> key;
    try {
      stored = store.credentials();
      key = store.key();
    } catch (RuntimeException e) {
      return false;
    }
    if (stored.isEmpty()
        || stored.get().sessionToken().equals(current.credentials().sessionToken())
        || RenewalPolicy.decide(stored.get(), clock.instant()) != RenewalPolicy.Decision.USE) {
      return false;
    }
    Credentials c = stored.get();
    if (c.keyThumbprint() != null
        && (key.isEmpty() || !key.get().thumbprint().equals(c.keyThumbprint()))) {
      return false;
    }
    replace(c, c.keyThumbprint() == null ? null : key.get());
    return true;
  }

  private static String oneLine(String message) {
    String m = message == null ? "unknown error" : message.replaceAll("\\s+", " ").strip();
    return m.length() <= 300 ? m : m.substring(0, 300) + "...";
  }

  @Override
  public String toString() {
    return "LiveCredentials[" + state.get() + "]";
  }
}
