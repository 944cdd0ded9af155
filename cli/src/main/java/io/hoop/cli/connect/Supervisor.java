package io.hoop.cli.connect;

import io.hoop.api.Grant;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.time.DurationFormat;
import io.hoop.tunnel.protocol.CloseNotice;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps an open tunnel company until something ends it: Ctrl-C, the child command exiting, the
 * grant's expiry (local clock) or the broker's notice that the grant expired or was revoked. Prints
 * a reminder of the time left every whole minute.
 */
public final class Supervisor {
  private final Grant grant;
  private final CompletableFuture<CloseNotice> ended;
  private final Clock clock;
  private final PrintWriter err;

  /**
   * @param ended completed with the broker's notice when the grant expired or was revoked (see
   *     {@link GrantTunnel#ended()})
   */
  public Supervisor(
      Grant grant, CompletableFuture<CloseNotice> ended, Clock clock, PrintWriter err) {
    this.grant = Objects.requireNonNull(grant, "grant");
    this.ended = Objects.requireNonNull(ended, "ended");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.err = Objects.requireNonNull(err, "err");
  }

  /**
   * Blocks until the session ends.
   *
   * @param command the child command, or null to wait for Ctrl-C
   * @param interrupted completed by the Ctrl-C handler
   * @return the exit code: the command's, or 0 after Ctrl-C
   * @throws HoopException.GrantEnded when the grant expired or was revoked first
   */
  public int await(Process command, CompletableFuture<Void> interrupted)
      throws InterruptedException {
    CompletableFuture<?> commandExit =
        command == null ? new CompletableFuture<>() : command.onExit();
    CompletableFuture<Object> any = CompletableFuture.anyOf(commandExit, interrupted, ended);
    Countdown countdown = new Countdown(grant.expiresAt());
    while (true) {
      Instant now = clock.instant();
      if (!now.isBefore(grant.expiresAt())) {
        throw ended(command, "grant " + grant.id() + " for " + grant.target() + " expired");
      }
      Instant next = countdown.next(now);
      long waitMillis = Math.max(1, Duration.between(now, next).toMillis());
      try {
        any.get(waitMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // The expiry tick itself is handled at the top of the loop, not announced as "0s left".
        if (next.isBefore(grant.expiresAt())) {
          remind(next);
        }
        continue;
      } catch (ExecutionException e) {
        // None of the futures completes exceptionally; treat it like the tunnel ending.
        throw ended(command, "tunnel for grant " + grant.id() + " failed: " + e.getCause());
      }
      if (ended.isDone()) {
        CloseNotice notice = ended.getNow(null);
        throw ended(command, notice.message() != null ? notice.message() : notice.code());
      }
      if (command != null && commandExit.isDone()) {
        return command.exitValue();
      }
      if (interrupted.isDone()) {
        return ExitCodes.OK;
      }
    }
  }

  private void remind(Instant now) {
    Duration left = Duration.between(now, grant.expiresAt());
    err.println(
        "grant "
            + grant.id()
            + " for "
            + grant.target()
            + ": "
            + DurationFormat.compact(left)
            + " left (until "
            + DurationFormat.local(grant.expiresAt())
            + ")");
    err.flush();
  }

  private HoopException.GrantEnded ended(Process command, String message)
      throws InterruptedException {
    if (command != null && command.isAlive()) {
      command.destroy();
      if (!command.waitFor(5, TimeUnit.SECONDS)) {
        command.destroyForcibly();
      }
    }
    return new HoopException.GrantEnded(message);
  }
}
