package io.hoop.broker;

import static io.hoop.broker.CliResult.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoop-broker serve} refuses to start on a bad config and names the key (exit 2). */
class BrokerMainTest {
  @TempDir Path dir;

  private CliResult serve(String yaml) throws Exception {
    Path cfg = dir.resolve("broker.yaml");
    Files.writeString(cfg, yaml);
    return run(
        "serve", "--dev", "--config", cfg.toString(), "--data-dir", dir.resolve("d").toString());
  }

  @Test
  void unknownKeyStopsStartUp() throws Exception {
    CliResult r = serve("targets:\n  - name: db\n    type: tcp\n    adress: 127.0.0.1:5432\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[0].adress: unknown key");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void badDurationStopsStartUp() throws Exception {
    CliResult r =
        serve("targets:\n  - name: db\n    type: tcp\n    address: h:1\n    maxDuration: soon\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[0].maxDuration: 'soon' is not a duration");
  }

  @Test
  void duplicateTargetStopsStartUp() throws Exception {
    CliResult r =
        serve(
            "targets:\n  - name: db\n    type: tcp\n    address: h:1\n"
                + "  - name: db\n    type: tcp\n    address: h:2\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[1].name: duplicate target 'db'");
  }

  @Test
  void anUnknownLogFormatIsAUsageErrorNamingTheChoices() throws Exception {
    Path cfg = dir.resolve("broker.yaml");
    Files.writeString(cfg, "targets: []\n");
    CliResult r =
        run(
            "serve",
            "--dev",
            "--log-format",
            "xml",
            "--config",
            cfg.toString(),
            "--data-dir",
            dir.resolve("d").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--log-format: log format 'xml' is not one of: text, json");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void aBadDiagnosticsListenStopsStartUp() throws Exception {
    CliResult r = serve("diagnostics:\n  listen: localhost\ntargets: []\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("diagnostics.listen: 'localhost' is not host:port");
    CliResult unknown = serve("diagnostics:\n  port: 9464\ntargets: []\n");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("diagnostics.port");
  }

  @Test
  void productionModeWithoutIdentityStopsStartUp() throws Exception {
    Path cfg = dir.resolve("prod.yaml");
    Files.writeString(cfg, "targets: []\n");
    CliResult r =
        run("serve", "--config", cfg.toString(), "--data-dir", dir.resolve("d").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("identity: missing");
  }

  @Test
  void checkConfigReportsValidAndInvalidFiles() throws Exception {
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, "targets:\n  - name: db\n    type: tcp\n    address: h:1\n");
    assertThat(run("check-config", "--dev", good.toString()).code()).isZero();
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "listen: nowhere\n");
    CliResult r = run("check-config", "--dev", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("listen: 'nowhere' is not host:port");
  }

  @Test
  void everyCommandHasExamplesInItsHelp() {
    for (String cmd : new String[] {"serve", "check-config", "audit"}) {
      CliResult r = run(cmd, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.out()).as(cmd).contains("Examples:");
    }
  }

  @Test
  void checkConfigListsEveryProblemAtItsLine() throws Exception {
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(
        cfg,
        "listen: nowhere\ntargets:\n  - name: a\n    address: a:1\n    type: telnet\n"
            + "  - name: b\n    address: b\n    type: tcp\n");
    CliResult r = run("check-config", "--dev", cfg.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines())
        .containsExactly(
            "hoop-broker: " + cfg + ":1:1: listen: 'nowhere' is not host:port",
            "hoop-broker: "
                + cfg
                + ":5:5: targets[0].type: 'telnet' is not a target type; expected one of"
                + " [http, kubernetes, postgres, ssh, tcp]",
            "hoop-broker: " + cfg + ":7:5: targets[1].address: 'b' is not host:port",
            "hoop-broker: 3 problems");
  }

  @Test
  void versionPrintsTextOrJson() throws Exception {
    assertThat(run("version").out()).startsWith("hoop-broker ");
    CliResult json = run("version", "-o", "json");
    assertThat(json.code()).isZero();
    assertThat(io.hoop.api.Json.mapper().readTree(json.out()).fieldNames())
        .toIterable()
        .containsExactly("version", "java", "os");
    assertThat(run("version", "-o", "xml").code()).isEqualTo(2);
  }
}
