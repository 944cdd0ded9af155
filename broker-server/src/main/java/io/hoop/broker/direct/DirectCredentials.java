package io.hoop.broker.direct;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.auth.ScramVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The grant-bound passwords of direct PostgreSQL access, kept in memory only as SCRAM-SHA-256
 * verifiers, one per grant: issuing again replaces the previous one. A broker restart forgets them
 * all (holders ask again with {@code hoop connect --direct}; live sessions end with the broker
 * anyway). An entry is usable only until its grant's end and only for its grant's user name; a
 * credential with {@link #MAX_FAILURES} wrong passwords is burned.
 */
public final class DirectCredentials {
  /** Wrong passwords a credential survives; the next one burns it. */
  public static final int MAX_FAILURES = 10;

  static final int ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One grant's credential.
   *
   * @param grantId the grant, which is also the PostgreSQL user name
   * @param principal who the grant belongs to
   * @param verifier the password's SCRAM verifier
   * @param expiresAt the grant's end
   */
  public record Entry(String grantId, String principal, ScramVerifier verifier, Instant expiresAt) {
    public Entry {
      requireNonNull(grantId, "grantId");
      requireNonNull(principal, "principal");
      requireNonNull(verifier, "verifier");
      requireNonNull(expiresAt, "expiresAt");
    }
  }

  /** A freshly issued credential. Its password is shown once to the grant's holder and not kept. */
  public record Issued(String user, String password, Instant expiresAt) {
    @Override
    public String toString() {
      return "Issued[user=" + user + ", password=<hidden>, expiresAt=" + expiresAt + "]";
    }
  }

  private final Map<String, Entry> byGrant = new ConcurrentHashMap<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Clock clock;
  private final byte[] unknownUserKey = new byte[32];

  public DirectCredentials(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
    RANDOM.nextBytes(unknownUserKey);
  }

  /** Issues (or replaces) the credential of {@code grantId}; the password is 32 random chars. */
  public Issued issue(String grantId, String principal, Instant expiresAt) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    byGrant.put(
        grantId,
        new Entry(grantId, principal, ScramVerifier.derive(password, ITERATIONS), expiresAt));
    failures.remove(grantId);
    purgeExpired();
    return new Issued(grantId, password, expiresAt);
  }

  /** The live credential of user name {@code user}, if any. */
  public Optional<Entry> find(String user) {
    Entry e = byGrant.get(user);
    if (e == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(e.expiresAt())) {
      forget(user);
      return Optional.empty();
    }
    return Optional.of(e);
  }

  /**
   * A verifier that no password matches, stable per user name, for a user without a credential: the
   * exchange looks the same as for a real one.
   */
  public ScramVerifier unknown(String user) {
    return ScramVerifier.unmatchable(user, unknownUserKey);
  }

  /**
   * Counts a wrong password for {@code grantId}'s credential.
   *
   * @return true when the credential is burned by it
   */
  public boolean failed(String grantId) {
    if (!byGrant.containsKey(grantId)) {
      return false;
    }
    int n = failures.merge(grantId, 1, Integer::sum);
    if (n >= MAX_FAILURES) {
      forget(grantId);
      return true;
    }
    return false;
  }

  /** Forgets the credential of a grant that ended (revoked, released, expired). */
  public void forget(String grantId) {
    byGrant.remove(grantId);
    failures.remove(grantId);
  }

  /** Number of live credentials. */
  public int size() {
    purgeExpired();
    return byGrant.size();
  }

  private void purgeExpired() {
    Instant now = clock.instant();
    byGrant.values().removeIf(e -> !now.isBefore(e.expiresAt()));
  }

  @Override
  public String toString() {
    return "DirectCredentials[" + byGrant.size() + " credentials]";
  }
}
