package io.hoop.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPartsTest {
  @Test
  void configHasTheTargetEntitlementAndBothDevUsers() {
    String yaml = DemoConfig.yaml("postgres", 54321);
    assertThat(yaml)
        .contains("listen: 127.0.0.1:0\n")
        .contains("  - name: demo-db\n    type: postgres\n    address: 127.0.0.1:54321\n")
        .contains("entitlements:\n  - group: engineering\n    targets: [demo-db]\n")
        .contains("- username: alice\n      email: alice@example.test\n      groups: [engineering]")
        .contains("- username: bob");
    assertThat(DemoConfig.yaml("tcp", 7)).contains("    type: tcp\n    address: 127.0.0.1:7\n");
    assertThat(yaml).doesNotContain("\t");
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
