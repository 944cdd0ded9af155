package io.hoop.cli.connect;

import io.hoop.api.Grant;
import io.hoop.api.GrantAction;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ties a grant to the {@code hoop connect} that asked for it: when the use ends (the wrapped
 * command exits, Ctrl-C, SIGTERM, a failure) the grant is released at the broker, so it does not
 * stay approved for the rest of its duration. A JVM shutdown hook covers the exits that skip the
 * normal path (SIGTERM, a Ctrl-C not taken over).
 *
 * <p>With {@code --keep} nothing is released; a grant this process reused (another {@code hoop
 * connect} asked for it) is not this process's to end either.
 */
public final class GrantLease implements AutoCloseable {
  /** What becomes of the grant when the use ends. */
  public enum Mode {
    /** Released: this process asked for it (or resumed it with --request). */
    RELEASE,
    /** Kept until it expires: --keep. */
    KEEP,
    /** Left alone: reused from another hoop connect, which ends it. */
    REUSED
  }

  private final BrokerClient client;
  private final Grant grant;
  private final Mode mode;
  private final PrintWriter err;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Thread hook;
  private volatile String why = "hoop connect ended";

  private GrantLease(BrokerClient client, Grant grant, Mode mode, PrintWriter err) {
    this.client = Objects.requireNonNull(client, "client");
    this.grant = Objects.requireNonNull(grant, "grant");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.err = Objects.requireNonNull(err, "err");
    this.hook =
        mode == Mode.RELEASE
            ? new Thread(() -> release("hoop connect was terminated"), "hoop-grant-release")
            : null;
    if (hook != null) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    if (mode == Mode.REUSED) {
      err.println(
          "Reusing your live grant "
              + grant.id()
              + " for "
              + grant.target()
              + " (task "
              + grant.task()
              + ") instead of asking again; it is left as it is when hoop exits (--new asks"
              + " for a new grant)");
      err.flush();
    }
  }

  /**
   * Holds {@code grant} until {@link #close()}, which ends it as {@code mode} says; a reused grant
   * is announced on {@code err}.
   */
  public static GrantLease hold(BrokerClient client, Grant grant, Mode mode, PrintWriter err) {
    return new GrantLease(client, grant, mode, err);
  }

  public Mode mode() {
    return mode;
  }

  /**
   * The grant already ended (denied, expired, revoked): nothing is left to release or keep, and the
   * broker is not asked.
   */
  public void grantEnded() {
    ended.set(true);
  }

  /** Why the use ended, recorded with the release; the last call wins. */
  public void endedBecause(String why) {
    this.why = Objects.requireNonNull(why, "why");
  }

  /** Releases the grant (once) unless kept or reused; says what became of it on stderr. */
  @Override
  public void close() {
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook is running or about to, and releases once.
      }
    }
    switch (mode) {
      case RELEASE -> release(why);
      case KEEP -> {
        if (grant.expiresAt() != null && !ended.get()) {
          say(
              "grant "
                  + grant.id()
                  + " kept until "
                  + DurationFormat.local(grant.expiresAt())
                  + " (--keep); hoop connect "
                  + grant.target()
                  + " --task "
                  + grant.task()
                  + (grant.role() == null ? "" : " --role " + grant.role())
                  + " reuses it");
        }
      }
      case REUSED -> {
        // Another hoop connect asked for it and ends it.
      }
    }
  }

  private void release(String reason) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      client.decide(grant.id(), "release", new GrantAction(null, reason));
      say("grant " + grant.id() + " released (" + reason + ")");
    } catch (RuntimeException e) {
      say(
          "could not release grant "
              + grant.id()
              + ": "
              + e.getMessage()
              + (grant.expiresAt() == null
                  ? ""
                  : "; it stays valid until " + DurationFormat.local(grant.expiresAt()))
              + " (end it with: hoop revoke "
              + grant.id()
              + " --reason done)");
    }
  }

  private void say(String line) {
    err.println("hoop: " + line);
    err.flush();
  }
}
