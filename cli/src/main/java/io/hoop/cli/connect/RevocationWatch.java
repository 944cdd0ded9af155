package io.hoop.cli.connect;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.tunnel.protocol.CloseNotice;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls the grant while a tunnel is open. The broker's CLOSE notice travels on live connections, so
 * an idle tunnel (port open, nothing connected) would otherwise learn of a revocation only at its
 * next connection; this ends it within one poll interval.
 */
public final class RevocationWatch implements AutoCloseable {
  /** How often the grant is checked. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private final ScheduledExecutorService timer;

  private RevocationWatch(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts polling; completes {@code ended} with a {@code grant_revoked} notice on revocation. */
  public static RevocationWatch start(
      BrokerClient client, Grant grant, CompletableFuture<CloseNotice> ended, Duration interval) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hoop-revocation-watch");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> check(client, grant, ended),
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return new RevocationWatch(timer);
  }

  private static void check(
      BrokerClient client, Grant grant, CompletableFuture<CloseNotice> ended) {
    Grant now;
    try {
      now = client.grant(grant.id());
    } catch (RuntimeException e) {
      // Broker unreachable or session expired: the tunnel itself and the local expiry still rule.
      return;
    }
    if (now.status() == GrantStatus.RELEASED) {
      ended.complete(
          new CloseNotice(
              "grant_released",
              "grant " + grant.id() + " for " + grant.target() + " was released by its requester"));
    } else if (now.status() == GrantStatus.REVOKED) {
      ended.complete(
          new CloseNotice(
              "grant_revoked",
              "grant "
                  + grant.id()
                  + " for "
                  + grant.target()
                  + " was revoked"
                  + (now.decidedBy() == null ? "" : " by " + now.decidedBy())
                  + (now.decisionReason() == null ? "" : ": " + now.decisionReason())));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
