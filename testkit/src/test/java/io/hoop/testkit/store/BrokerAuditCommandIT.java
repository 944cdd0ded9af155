package io.hoop.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.BrokerMain;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hoop-broker audit --config F} reads the audit log of a PostgreSQL store. */
@ExtendWith(PostgresExtension.class)
class BrokerAuditCommandIT {
  @TempDir Path dir;

  @Test
  void readsTheAuditLogFromThePostgresStoreNamedInTheConfig(PostgresCluster pg) throws Exception {
    PostgresConfig db = PostgresStores.freshDatabase(pg);
    try (Store store = Store.openPostgres(db)) {
      AuditLog log = new AuditLog(store, Clock.systemUTC());
      log.append("grant.approved", "alice", "prod-db", "g-1", "OPS-1", Map.of("by", "bob"));
      log.append("grant.approved", "alice", "prod-db", "g-2", "OPS-2", Map.of("by", "bob"));
    }
    Path cfg =
        Files.writeString(
            dir.resolve("broker.yaml"),
            "store:\n  url: postgresql://%s:%d/%s\n  user: %s\n"
                .formatted(db.host(), db.port(), db.database(), db.user()));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = BrokerMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    // The data dir holds no embedded store: the events can only come from PostgreSQL.
    int code =
        cl.execute(
            "audit",
            "--config",
            cfg.toString(),
            "--data-dir",
            dir.resolve("empty").toString(),
            "--task",
            "OPS-2",
            "-o",
            "json");
    assertThat(code).as(err.toString()).isZero();
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).contains("\"grantId\":\"g-2\"").contains("\"task\":\"OPS-2\"");
  }

  @Test
  void anUnreachableStoreIsNamedWithoutItsPassword(PostgresCluster pg) throws Exception {
    Path secret = dir.resolve("pw");
    Files.writeString(secret, "hunter2-secret");
    Files.setPosixFilePermissions(
        secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Path cfg =
        Files.writeString(
            dir.resolve("broker.yaml"),
            "store:\n  url: postgresql://127.0.0.1:%d/nope\n  user: nobody\n  passwordFile: %s\n"
                .formatted(pg.port(), secret));
    StringWriter err = new StringWriter();
    CommandLine cl = BrokerMain.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("audit", "--config", cfg.toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("postgresql://nobody@127.0.0.1:" + pg.port() + "/nope")
        .doesNotContain("hunter2-secret");
  }
}
