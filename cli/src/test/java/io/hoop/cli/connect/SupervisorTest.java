package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.HoopException;
import io.hoop.tunnel.protocol.CloseNotice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisorTest {
  private final StringWriter err = new StringWriter();
  private final CompletableFuture<CloseNotice> ended = new CompletableFuture<>();
  private final CompletableFuture<Void> interrupted = new CompletableFuture<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private static Grant grantFor(Duration lifetime) {
    Instant now = Instant.now();
    return new Grant(
        "g-1",
        "demo-db",
        "tcp",
        null,
        "alice",
        "T-1",
        null,
        GrantStatus.APPROVED,
        null,
        now,
        now,
        now.plus(lifetime),
        "tok",
        null,
        java.util.List.of(),
        0,
        java.util.List.of());
  }

  private Supervisor supervisor(Grant grant) {
    return new Supervisor(grant, ended, Clock.systemUTC(), new PrintWriter(err, true));
  }

  @Test
  void expiryEndsTheSessionWithExitCode5() {
    Grant grant = grantFor(Duration.ofMillis(300));
    assertThatThrownBy(() -> supervisor(grant).await(null, interrupted))
        .isInstanceOf(HoopException.GrantEnded.class)
        .hasMessage("grant g-1 for demo-db expired");
    assertThat(err.toString()).doesNotContain("0s left");
  }

  @Test
  void revocationNoticeEndsTheSessionWithTheBrokersMessage() {
    timer.schedule(
        () -> ended.complete(new CloseNotice("grant_revoked", "grant g-1 was revoked by bob")),
        100,
        TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> supervisor(grantFor(Duration.ofHours(1))).await(null, interrupted))
        .isInstanceOf(HoopException.GrantEnded.class)
        .hasMessage("grant g-1 was revoked by bob");
  }

  @Test
  void interruptIsACleanExit() throws Exception {
    timer.schedule(() -> interrupted.complete(null), 100, TimeUnit.MILLISECONDS);
    assertThat(supervisor(grantFor(Duration.ofHours(1))).await(null, interrupted)).isZero();
  }

  @Test
  void theCommandsExitCodeIsPassedThrough() throws Exception {
    Process child = new ProcessBuilder("sh", "-c", "exit 7").start();
    assertThat(supervisor(grantFor(Duration.ofHours(1))).await(child, interrupted)).isEqualTo(7);
  }

  @Test
  void expiryStopsARunningCommand() throws Exception {
    Process child = new ProcessBuilder("sleep", "60").start();
    assertThatThrownBy(() -> supervisor(grantFor(Duration.ofMillis(300))).await(child, interrupted))
        .isInstanceOf(HoopException.GrantEnded.class);
    assertThat(child.waitFor(5, TimeUnit.SECONDS)).isTrue();
  }
}
