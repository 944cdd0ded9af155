package io.hoop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hoop-broker serve} refuses to start on a bad config and names the key (exit 2). */
class BrokerMainTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = BrokerMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Result serve(String yaml) throws Exception {
    Path cfg = dir.resolve("broker.yaml");
    Files.writeString(cfg, yaml);
    return run(
        "serve", "--dev", "--config", cfg.toString(), "--data-dir", dir.resolve("d").toString());
  }

  @Test
  void unknownKeyStopsStartUp() throws Exception {
    Result r = serve("targets:\n  - name: db\n    type: tcp\n    adress: 127.0.0.1:5432\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[0].adress: unknown key");
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void badDurationStopsStartUp() throws Exception {
    Result r =
        serve("targets:\n  - name: db\n    type: tcp\n    address: h:1\n    maxDuration: soon\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[0].maxDuration: 'soon' is not a duration");
  }

  @Test
  void duplicateTargetStopsStartUp() throws Exception {
    Result r =
        serve(
            "targets:\n  - name: db\n    type: tcp\n    address: h:1\n"
                + "  - name: db\n    type: tcp\n    address: h:2\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[1].name: duplicate target 'db'");
  }

  @Test
  void productionModeWithoutIdentityStopsStartUp() throws Exception {
    Path cfg = dir.resolve("prod.yaml");
    Files.writeString(cfg, "targets: []\n");
    Result r = run("serve", "--config", cfg.toString(), "--data-dir", dir.resolve("d").toString());
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
    Result r = run("check-config", "--dev", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("listen: 'nowhere' is not host:port");
  }

  @Test
  void everyCommandHasExamplesInItsHelp() {
    for (String cmd : new String[] {"serve", "check-config", "audit"}) {
      Result r = run(cmd, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.out()).as(cmd).contains("Examples:");
    }
  }
}
