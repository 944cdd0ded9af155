package io.hoop.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.SessionSummary;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPartsTest {
  @Test
  void configHasTheTargetEntitlementAndBothDevUsers() {
    String yaml = DemoConfig.postgres(54321, Path.of("/tmp/demo/app_ro.pw"));
    assertThat(yaml)
        .contains("listen: 127.0.0.1:0\n")
        .contains("  - name: demo-db\n    type: postgres\n    address: 127.0.0.1:54321\n")
        .contains("entitlements:\n  - group: engineering\n    targets: [demo-db]\n")
        .contains("- username: alice\n      email: alice@example.test\n      groups: [engineering]")
        .contains("- username: bob");
    assertThat(DemoConfig.tcp(7))
        .contains("    type: tcp\n    address: 127.0.0.1:7\n")
        .doesNotContain("postgres:");
    assertThat(yaml).doesNotContain("\t");
  }

  @Test
  void postgresTargetRunsTheEngineWithRoleGuardrailsAndMasking() {
    String yaml = DemoConfig.postgres(54321, Path.of("/tmp/demo/app_ro.pw"));
    assertThat(yaml)
        .contains("    postgres:\n      database: shop\n      defaultRole: readonly\n")
        .contains("readonly: {user: app_ro, passwordFile: \"/tmp/demo/app_ro.pw\"}")
        .contains("denyStatements: [DROP, TRUNCATE,")
        .contains("- {column: public.customers.ssn, style: redact}")
        .contains("detectors: [email, card]")
        .contains("detectorStyle: partial");
    // The section sits inside the target, before the entitlements.
    assertThat(yaml.indexOf("    postgres:")).isLessThan(yaml.indexOf("entitlements:"));
  }

  @Test
  void passwordsAreLettersAndDigitsFreshEachTime() {
    String a = DemoDatabase.randomPassword(32);
    assertThat(a).hasSize(32).matches("[A-Za-z0-9]+");
    assertThat(DemoDatabase.randomPassword(32)).isNotEqualTo(a);
  }

  @Test
  void demoScriptShowsWhoAmIMaskedRowsABlockedDropAndTheTableStillThere() {
    assertThat(DemoTarget.SCRIPT.lines())
        .containsExactly(
            "select current_user;",
            "select * from customers order by id;",
            "drop table customers;",
            "select count(*) as customers_left from customers;");
    assertThat(DemoTarget.SCRIPT.lines()).hasSize(DemoSessions.STATEMENTS);
  }

  @Test
  void theDemoSessionIsTheOneThatRanTheScriptNotTheNewest() {
    SessionSummary mine = session("s-user", 1, 0);
    SessionSummary demo = session("s-demo", DemoSessions.STATEMENTS, 1);
    assertThat(DemoSessions.demoSession(List.of(mine, demo))).contains(demo);
    assertThat(DemoSessions.demoSession(List.of(mine))).isEmpty();
    assertThat(DemoSessions.demoSession(List.of(session("s-noblock", 4, 0)))).isEmpty();
  }

  private static SessionSummary session(String id, long statements, long blocked) {
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    return new SessionSummary(
        id,
        "g-1",
        "alice",
        "demo-db",
        "DEMO-1",
        "readonly",
        t,
        t,
        1,
        1,
        "upstream_closed",
        statements,
        blocked,
        0);
  }

  @Test
  void echoServiceEchoesOverARealSocket() throws Exception {
    try (EchoService echo = new EchoService()) {
      assertThat(DemoTarget.echo(echo.port(), "hello hoop")).isEqualTo("hello hoop");
    }
  }

  @Test
  void missingLauncherSaysWhatToSet(@TempDir Path tmp) {
    assertThatThrownBy(
            () ->
                DemoEnvironment.brokerLauncher(
                    CliEnvironment.of(Map.of("HOOP_HOME", tmp.toString()))))
        .isInstanceOf(HoopException.class)
        .hasMessageContaining(tmp.resolve("bin/hoop-broker").toString())
        .hasMessageContaining("set HOOP_HOME");
  }

  @Test
  void whichFindsExecutablesOnAPath() {
    assertThat(Processes.which("/nonexistent:/bin:/usr/bin", "sh")).isNotNull();
    assertThat(Processes.which("/nonexistent", "sh")).isNull();
    assertThat(
            Processes.program(
                java.util.List.of("runuser", "-u", "postgres", "--", "/usr/bin/initdb")))
        .isEqualTo("initdb");
  }
}
