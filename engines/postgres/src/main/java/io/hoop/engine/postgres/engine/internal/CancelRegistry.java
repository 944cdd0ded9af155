package io.hoop.engine.postgres.engine.internal;

import io.hoop.engine.postgres.message.backend.BackendKeyData;
import io.hoop.tunnel.engine.TargetConnector;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the BackendKeyData the engine hands its clients to the upstream server's real one, for every
 * live session in this JVM: a CancelRequest arrives on a new tunnel connection, so the lookup must
 * cross tunnels. Keys are 63 random bits (a positive pid and a secret), as unguessable as the
 * server's own; entries are removed when their session closes.
 */
public final class CancelRegistry {
  /** The registry shared by all tunnels of this JVM. */
  public static final CancelRegistry SHARED = new CancelRegistry();

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Where and with which real key a client key cancels; {@code onCancel}, if any, is asked first:
   * it returns true when the cancel ended a statement held for a reviewer in the session (which the
   * server knows nothing of), and then the server is not sent the cancel (it would cancel the
   * session's next statement). {@code connector} reaches {@code upstream} for a cancel that comes
   * with no tunnel of its own (the direct port).
   */
  public record Target(
      SocketAddress upstream,
      BackendKeyData key,
      java.util.function.BooleanSupplier onCancel,
      TargetConnector connector) {
    /** A target with nothing to run in the session, reached over TCP. */
    public Target(SocketAddress upstream, BackendKeyData key) {
      this(upstream, key, null, TargetConnector.DIRECT);
    }

    @Override
    public String toString() {
      return "Target[upstream=" + upstream + ", pid=" + key.processId() + "]";
    }
  }

  private final Map<Long, Target> targets = new ConcurrentHashMap<>();

  /** Registers {@code target} under a new random client key and returns that key. */
  public BackendKeyData register(Target target) {
    while (true) {
      BackendKeyData key =
          new BackendKeyData(RANDOM.nextInt() & Integer.MAX_VALUE, RANDOM.nextInt());
      if (targets.putIfAbsent(id(key.processId(), key.secretKey()), target) == null) {
        return key;
      }
    }
  }

  /** The target of a client key, or null when no live session handed it out. */
  public Target lookup(int processId, int secretKey) {
    return targets.get(id(processId, secretKey));
  }

  /** Forgets a client key, once its session is over. */
  public void remove(BackendKeyData key) {
    targets.remove(id(key.processId(), key.secretKey()));
  }

  /** Number of live keys, for tests. */
  public int size() {
    return targets.size();
  }

  private static long id(int processId, int secretKey) {
    return (long) processId << 32 | (secretKey & 0xffffffffL);
  }
}
