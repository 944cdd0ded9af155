package io.hoop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.testkit.internal.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresClusterIT {

  @Test
  void startsRunsSqlCreatesRoleAndCleansUp() {
    Path dir;
    try (PostgresCluster postgres = PostgresCluster.start()) {
      dir = postgres.directory();
      assertThat(postgres.host()).isEqualTo("127.0.0.1");
      assertThat(postgres.port()).isPositive();
      assertThat(postgres.jdbcUrl("app"))
          .isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/app");

      assertThat(postgres.execSql("select 1")).isEqualTo("1\n");
      assertThat(runPsql(postgres.psqlArgs(), "select current_user").stdout())
          .isEqualTo("postgres\n");

      postgres.createRole("app_reader", "s3cret'pw");
      assertThat(postgres.execSql("select rolcanlogin from pg_roles where rolname = 'app_reader'"))
          .isEqualTo("t\n");
      assertThat(Files.isDirectory(dir)).isTrue();
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void scramClusterChecksPasswordsOverTcp() {
    try (PostgresCluster postgres = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256)) {
      postgres.createRole("app_writer", "right-password");
      List<String> tcp =
          List.of(
              "-h",
              postgres.host(),
              "-p",
              Integer.toString(postgres.port()),
              "-U",
              "app_writer",
              "-d",
              "postgres",
              "-c",
              "select current_user");
      String psql = postgres.psqlArgs().get(0);

      Processes.Result good = runPsql(psql, tcp, "right-password");
      assertThat(good.exitCode()).as(good.output()).isZero();
      assertThat(good.stdout()).isEqualTo("app_writer\n");

      Processes.Result bad = runPsql(psql, tcp, "wrong-password");
      assertThat(bad.exitCode()).isNotZero();
      assertThat(bad.stderr()).contains("password authentication failed");
    }
  }

  @Test
  void failedStatementReportsPsqlError() {
    try (PostgresCluster postgres = PostgresCluster.start()) {
      assertThatThrownBy(() -> postgres.execSql("select * from no_such_table"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no_such_table")
          .hasMessageContaining("does not exist");
      postgres.createRole("twice", "first-secret");
      assertThatThrownBy(() -> postgres.createRole("twice", "second-secret"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already exists")
          .hasMessageNotContaining("second-secret");
    }
  }

  private static Processes.Result runPsql(List<String> base, String sql) {
    List<String> command = new ArrayList<>(base);
    command.addAll(List.of("-qAt", "-c", sql));
    Processes.Result result = Processes.run(command, Path.of("/tmp"), "", Duration.ofSeconds(30));
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result;
  }

  private static Processes.Result runPsql(String psql, List<String> args, String password) {
    List<String> command = new ArrayList<>();
    command.add("env");
    command.add("PGPASSWORD=" + password);
    command.add(psql);
    command.addAll(List.of("-X", "-qAt", "-w"));
    command.addAll(args);
    return Processes.run(command, Path.of("/tmp"), "", Duration.ofSeconds(30));
  }
}
