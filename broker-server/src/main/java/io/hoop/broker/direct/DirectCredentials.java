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
 * The grant-bound passwords of direct PostgreSQL access, kept only as SCRAM-SHA-256 verifiers, one
 * per grant: issuing again replaces the previous one. Where they are kept is a {@link Table}: this
 * broker's memory ({@link #inMemory}: a restart forgets them all, holders ask again with {@code
 * hoop connect --direct}), or the store replicas share, so a client behind the load balancer may
 * log in on any replica. An entry is usable only until its grant's end and only for its grant's
 * user name; a credential with {@link #MAX_FAILURES} wrong passwords is burned. {@link #find} and
 * {@link #failed} may block on the store: call them off the event loop.
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

  /**
   * Where credentials are kept. Implementations are safe for concurrent use; a store-backed one
   * throws its store's exception when the store cannot answer (a login then fails closed).
   */
  public interface Table {
    /** Keeps {@code entry}, replacing the grant's previous credential and its failure count. */
    void put(Entry entry);

    /** The grant's credential, expired or not. */
    Optional<Entry> get(String grantId);

    /**
     * Counts one wrong password for the grant's credential.
     *
     * @return the failures counted so far, 0 when the grant has no credential
     */
    int addFailure(String grantId);

    /** Forgets the grant's credential. */
    void remove(String grantId);

    /** Forgets every credential whose grant ended before {@code now}. */
    void removeExpired(Instant now);

    /** Credentials kept, expired ones not purged yet included. */
    int count();
  }

  private final Table table;
  private final Clock clock;
  private final byte[] unknownUserKey = new byte[32];

  /** Credentials in this broker's memory only. */
  public static DirectCredentials inMemory(Clock clock) {
    return new DirectCredentials(new MemoryTable(), clock);
  }

  public DirectCredentials(Table table, Clock clock) {
    this.table = requireNonNull(table, "table");
    this.clock = requireNonNull(clock, "clock");
    RANDOM.nextBytes(unknownUserKey);
  }

  /** Issues (or replaces) the credential of {@code grantId}; the password is 32 random chars. */
  public Issued issue(String grantId, String principal, Instant expiresAt) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    table.removeExpired(clock.instant());
    table.put(new Entry(grantId, principal, ScramVerifier.derive(password, ITERATIONS), expiresAt));
    return new Issued(grantId, password, expiresAt);
  }

  /** The live credential of user name {@code user}, if any. May block on the store. */
  public Optional<Entry> find(String user) {
    Optional<Entry> e = table.get(user);
    if (e.isPresent() && !clock.instant().isBefore(e.get().expiresAt())) {
      forget(user);
      return Optional.empty();
    }
    return e;
  }

  /**
   * A verifier that no password matches, stable per user name, for a user without a credential: the
   * exchange looks the same as for a real one.
   */
  public ScramVerifier unknown(String user) {
    return ScramVerifier.unmatchable(user, unknownUserKey);
  }

  /**
   * Counts a wrong password for {@code grantId}'s credential, on whichever replica it was tried.
   * May block on the store.
   *
   * @return true when the credential is burned by it
   */
  public boolean failed(String grantId) {
    int n = table.addFailure(grantId);
    if (n >= MAX_FAILURES) {
      forget(grantId);
      return true;
    }
    return false;
  }

  /** Forgets the credential of a grant that ended (revoked, released, expired). */
  public void forget(String grantId) {
    table.remove(grantId);
  }

  /** Number of live credentials. */
  public int size() {
    table.removeExpired(clock.instant());
    return table.count();
  }

  @Override
  public String toString() {
    return "DirectCredentials[" + table.getClass().getSimpleName() + "]";
  }

  /** This process's memory. */
  private static final class MemoryTable implements Table {
    private final Map<String, Entry> byGrant = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    @Override
    public void put(Entry entry) {
      byGrant.put(entry.grantId(), entry);
      failures.remove(entry.grantId());
    }

    @Override
    public Optional<Entry> get(String grantId) {
      return Optional.ofNullable(byGrant.get(grantId));
    }

    @Override
    public int addFailure(String grantId) {
      if (!byGrant.containsKey(grantId)) {
        return 0;
      }
      return failures.merge(grantId, 1, Integer::sum);
    }

    @Override
    public void remove(String grantId) {
      byGrant.remove(grantId);
      failures.remove(grantId);
    }

    @Override
    public void removeExpired(Instant now) {
      byGrant.values().removeIf(e -> !now.isBefore(e.expiresAt()));
      failures.keySet().retainAll(byGrant.keySet());
    }

    @Override
    public int count() {
      return byGrant.size();
    }
  }
}
