package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tour as a person drives it, in a real terminal (tmux, installed by .ci/run): alice asks for
 * access in one pane and waits; bob approves in a second pane; alice's pane turns from the waiting
 * line to the grant's; at expiry it says so. What is asserted is what the screens show.
 */
class TmuxTourIT {
  static EchoServer echo;
  static BrokerFixture broker;
  @TempDir static Path home;
  static Path bin;
  static String socket;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
                - {username: bob, groups: [dba]}
            targets:
              - name: orders
                type: tcp
                address: 127.0.0.1:%d
                reviewers: [dba]
                onNoEntitlement: review
                maxDuration: 20s
            """
                .formatted(echo.port()));
    login("alice", "default");
    login("bob", "bob");
    bin = home.resolve("bin");
    HoopCli.launcher(bin);
    socket = "hoop-tour-" + ProcessHandle.current().pid();
  }

  @AfterAll
  static void stop() throws Exception {
    tmux("kill-server");
    if (broker != null) {
      broker.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private static void login(String user, String profile) {
    HoopCli.login(broker, env(), user, profile);
  }

  static Map<String, String> env() {
    return HoopCli.env(home.resolve("config"));
  }

  @Test
  void aRequestWaitsIsApprovedFromASecondPaneAndEndsAtExpiry() throws Exception {
    Map<String, String> env = env();
    List<String> shell = new ArrayList<>(List.of("env", "-i"));
    env.forEach((k, v) -> shell.add(k + "=" + v));
    shell.addAll(
        List.of(
            "PATH=" + bin + ":" + System.getenv("PATH"),
            "HOME=" + home,
            "TERM=xterm-256color",
            "PS1=$ ",
            "bash",
            "--norc",
            "--noprofile"));
    tmux(concat(List.of("new-session", "-d", "-s", "tour", "-x", "150", "-y", "40"), shell));
    tmux(concat(List.of("split-window", "-v", "-t", "tour"), shell));
    String alice = "tour.0";
    String bob = "tour.1";

    type(alice, "hoop connect orders --task OPS-7 --reason 'fix order 7'");
    String waiting =
        screen(alice, s -> s.contains("Waiting for approval") && s.matches("(?s).*\\d+s.*"));
    assertThat(waiting).contains("orders").contains("OPS-7");

    Run pending = HoopCli.run(env, null, "--profile", "bob", "requests", "--pending", "-o", "json");
    JsonNode grants = Json.mapper().readTree(pending.out()).path("grants");
    assertThat(grants).as(pending.out()).hasSize(1);
    String id = grants.get(0).path("id").asText();

    type(bob, "hoop --profile bob approve " + id + " --comment 'ok, go'");
    String approved = screen(bob, s -> s.contains("approved (1/1)"));
    assertThat(approved).contains(id).contains("requested by alice, task OPS-7");

    String granted = screen(alice, s -> s.contains("approved until"));
    assertThat(granted).contains("Grant " + id + " for orders (task OPS-7) approved until");
    // The spinner's line was erased, not left behind with its escape codes.
    assertThat(granted).doesNotContain("\033[K");

    String ended = screen(alice, s -> s.contains("expired") && s.trim().endsWith("$"));
    assertThat(ended).contains(id).contains("expired");
    type(alice, "echo exit=$?");
    assertThat(screen(alice, s -> s.contains("exit=5"))).contains("exit=5");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void type(String pane, String line) throws Exception {
    tmux(List.of("send-keys", "-t", pane, "-l", line));
    tmux(List.of("send-keys", "-t", pane, "Enter"));
  }

  /** The pane's screen once {@code until} holds (within 90 s), else a failure showing it. */
  private static String screen(String pane, Predicate<String> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String shown = "";
    while (System.nanoTime() < deadline) {
      shown = tmux(List.of("capture-pane", "-p", "-J", "-t", pane));
      if (until.test(shown)) {
        return shown;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("pane " + pane + " never showed what was expected:\n" + shown);
  }

  private static String tmux(String... args) throws IOException, InterruptedException {
    return tmux(List.of(args));
  }

  private static String tmux(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0 && !args.get(0).equals("kill-server")) {
      throw new IOException("tmux " + args + " exited " + code + ": " + out);
    }
    return out;
  }
}
