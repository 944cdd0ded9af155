package io.hoop.broker.token;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link Revocations} from the store, reread at most every {@link #REFRESH}: a token revoked by
 * another broker or by {@code hoop-broker token revoke} is refused within seconds, while a busy
 * broker does one small query per interval rather than one per request.
 */
public final class RevocationCache implements Revocations {
  /** How stale the cached list may get. */
  public static final Duration REFRESH = Duration.ofSeconds(2);

  private final TokenStore store;
  private final Clock clock;
  private volatile Snapshot snapshot = new Snapshot(Set.of(), Instant.MIN);
  private volatile Consumer<String> revoked = jti -> {};

  private record Snapshot(Set<String> ids, Instant readAt) {}

  public RevocationCache(TokenStore store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public boolean isRevoked(String jti) {
    Instant now = clock.instant();
    Snapshot s = snapshot;
    if (s.readAt().equals(Instant.MIN) || !now.isBefore(s.readAt().plus(REFRESH))) {
      // A store failure propagates: refusing is safer than trusting a stale list forever.
      s = new Snapshot(Set.copyOf(store.revokedIds(now)), now);
      snapshot = s;
    }
    return s.ids().contains(jti);
  }

  /**
   * Revokes a token id and makes this broker refuse it at once; then tells the listener (which
   * closes the session's tunnels and tells the other replicas).
   */
  public void revoke(String jti, Instant expiresAt, String by, String reason) {
    store.revoke(jti, expiresAt, by, reason, clock.instant());
    refresh();
    revoked.accept(jti);
  }

  /** The next check rereads the store (another replica said it revoked a session). */
  public void refresh() {
    snapshot = new Snapshot(Set.of(), Instant.MIN);
  }

  /** Who hears of a session this broker revoked, after it is stored. */
  public void onRevoke(Consumer<String> listener) {
    this.revoked = requireNonNull(listener, "listener");
  }
}
