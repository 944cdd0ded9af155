package io.hoop.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.api.SessionStatement;
import io.hoop.broker.BrokerMain;
import io.hoop.broker.retention.RetentionPurger;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.SessionStore;
import io.hoop.broker.store.StatementStore;
import io.hoop.broker.store.Store;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code hoop-broker retention status|purge --config F} with no broker on the data dir: the
 * commands work on the PostgreSQL store the config names, under the same lock replicas take.
 */
@ExtendWith(PostgresExtension.class)
class RetentionCommandIT {
  @TempDir Path dir;

  private record Out(int code, String out, String err) {}

  private static Out run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = BrokerMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  @Test
  void purgesThePostgresStoreTheConfigNamesAndYieldsToAnotherPurger(PostgresCluster pg)
      throws Exception {
    PostgresConfig db = PostgresStores.freshDatabase(pg);
    Instant old = Instant.now().minus(Duration.ofDays(40));
    try (Store store = Store.openPostgres(db)) {
      new SessionStore(store).tunnelOpened("s-old", "g-1", "alice", "db", "T-1", "x", old);
      new SessionStore(store).tunnelClosed("s-old", 1, 1, "client_closed", old.plusSeconds(5));
      List<StatementStore.Row> rows = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        rows.add(
            new StatementStore.Row(
                "s-old",
                i,
                new SessionStatement(
                    i, old, 1, "select 1", List.of(), 1, "SELECT 1", 0, false, "", "")));
      }
      new StatementStore(store).insert(rows);
    }
    Path cfg =
        Files.writeString(
            dir.resolve("broker.yaml"),
            "store:\n  url: postgresql://%s:%d/%s\n  user: %s\nretention:\n  statements: 30d\n"
                .formatted(db.host(), db.port(), db.database(), db.user()));
    String dataDir = dir.resolve("data").toString();

    Out noConfig = run("retention", "purge", "--data-dir", dataDir);
    assertThat(noConfig.code()).isEqualTo(2);
    assertThat(noConfig.err()).contains("pass --config FILE");

    Out status =
        run("retention", "status", "-o", "json", "--config", cfg.toString(), "--data-dir", dataDir);
    assertThat(status.code()).as(status.err()).isZero();
    JsonNode s = Json.mapper().readTree(status.out());
    assertThat(s.path("store").asText()).isEqualTo("postgresql");
    assertThat(s.at("/configured/statements").asText()).isEqualTo("30d");
    assertThat(s.at("/kinds/1/kind").asText()).isEqualTo("statements");
    assertThat(s.at("/kinds/1/due").asLong()).isEqualTo(3);

    // Another replica holds the lock: the store part is skipped, exit 3.
    try (Connection other = DriverManager.getConnection(pg.jdbcUrl(db.database()), db.user(), "")) {
      try (PreparedStatement ps = other.prepareStatement("select pg_advisory_lock(?)")) {
        ps.setLong(1, RetentionPurger.LOCK_KEY);
        ps.execute();
      }
      Out skipped = run("retention", "purge", "--config", cfg.toString(), "--data-dir", dataDir);
      assertThat(skipped.code()).as(skipped.err()).isEqualTo(3);
      assertThat(skipped.out()).contains("store purge skipped: another replica holds");
    }

    // The other session ends (and frees the lock) a moment after its close() returned.
    Out purge = run("retention", "purge", "--config", cfg.toString(), "--data-dir", dataDir);
    for (int i = 0; i < 100 && purge.code() == 3; i++) {
      Thread.sleep(100);
      purge = run("retention", "purge", "--config", cfg.toString(), "--data-dir", dataDir);
    }
    assertThat(purge.code()).as(purge.err()).isZero();
    assertThat(purge.out())
        .contains("statements: removed 3 statement(s) of 1 session(s) (keep 30d");
    try (Store store = Store.openPostgres(db)) {
      assertThat(new StatementStore(store).find("s-old").orElseThrow().statementsPurgedAt())
          .isNotNull();
    }
  }
}
