package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.CommandComplete;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.NoticeResponse;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.hoop.engine.postgres.message.backend.RowDescription;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.testing.TunnelHarness;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A million masked rows (about 150 MB) stream through the engine while the client stalls, and the
 * broker's heap stays far below the result's size: the engine relays message by message under the
 * relay's backpressure and queues nothing.
 */
class LargeResultIT {
  private static final String ROLE = "app_big";
  private static final String PASSWORD = "big-Pa55-word";
  private static final long HEAP_BOUND = 48L << 20;

  private static LocalPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = LocalPostgres.start();
    pg.superuser("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aMillionMaskedRowsStreamWithBoundedHeap() throws Exception {
    // Paranoid leak records keep a stack trace per buffer touch: they would dominate the heap.
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    PostgresSettings settings =
        new PostgresSettings(
            ROLE,
            Secret.of(PASSWORD),
            "postgres",
            Rules.defaults(),
            new MaskingRules(
                List.of(),
                Set.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD),
                MaskStyle.REDACT,
                "0123456789abcdef-token-key".getBytes(StandardCharsets.UTF_8)),
            UpstreamTls.disabled(),
            EngineListener.NONE);
    try (TunnelHarness harness =
            PgTunnels.harness(dir, settings, pg.address(), Instant.now().plusSeconds(600));
        WireClient wire = new WireClient(PgTunnels.client(harness))) {
      wire.send(StartupMessage.of(Map.of("user", "x", "database", "postgres")));
      wire.untilReady();
      long before = usedHeap();
      wire.send(new Query("select g, repeat(md5(g::text), 4) from generate_series(1, 1000000) g"));
      assertThat(wire.read()).isInstanceOf(RowDescription.class);
      long rows = 0;
      long bytes = 0;
      BackendMessage message = wire.read();
      while (message instanceof DataRow row) {
        rows++;
        bytes += 4 + row.fields().get(0).length + row.fields().get(1).length;
        if (rows == 100_000) {
          // The client stalls: TCP buffers fill and the engine must stop reading upstream.
          Thread.sleep(2_000);
          long during = usedHeap();
          assertThat(during - before)
              .as("heap growth while 150 MB wait upstream")
              .isLessThan(HEAP_BOUND);
        }
        message = wire.read();
        while (message instanceof NoticeResponse) {
          message = wire.read();
        }
      }
      assertThat(message).isEqualTo(new CommandComplete("SELECT 1000000"));
      assertThat(wire.read()).isInstanceOf(ReadyForQuery.class);
      assertThat(rows).isEqualTo(1_000_000);
      assertThat(bytes).isGreaterThan(130_000_000L);
    } finally {
      ResourceLeakDetector.setLevel(level);
    }
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
