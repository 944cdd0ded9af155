package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI side of ssh targets end to end: a broker with an ssh target in front of a real sshd, the
 * real hoop CLI (in-process, or its own JVM where signals, stdin or its sockets matter) and the
 * real OpenSSH client: hoop exec's exit status (remote status, a confirmed policy refusal and a
 * forged one, 255 for hoop's own failure and Ctrl-C), no TCP port opened, stdin through, key files
 * gone after Ctrl-C and SIGTERM, hoop connect's wrap mode (ssh and scp by the target's name,
 * GIT_SSH_COMMAND), --ssh-config's block used by ssh and removed, a terminal session replayed and
 * exported as a cast, and the grant's key gone afterwards.
 */
class SshCliIT {
  static OpenSshServer sshd;
  static BrokerFixture broker;
  static Path home;

  @BeforeAll
  static void start() throws Exception {
    sshd = OpenSshServer.start();
    home = Files.createTempDirectory("hoop-sshcli-it-");
    String hostKey =
        "[127.0.0.1]:"
            + sshd.port()
            + " "
            + Files.readString(sshd.dir().resolve("host_key.pub")).strip();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              users:
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [ops-leads]
            targets:
              - name: web-1
                type: ssh
                address: 127.0.0.1:%1$d
                reviewers: [ops-leads]
                ssh:
                  hostKeys: ['%2$s']
                  roles:
                    ops:
                      user: %3$s
                      privateKeyFile: %4$s
                      shell: allow
                      exec:
                        rules:
                          - match: 'rm *'
                            action: deny
                            message: no deleting on web-1
            entitlements:
              - group: engineering
                targets: [web-1]
                reviewedBy: bob
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(sshd.port(), hostKey, sshd.user(), sshd.clientKeyFile()));
    Run r =
        HoopCli.run(
            env(),
            new CodeApprover(broker, "alice", true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login: %s", r.err()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (home != null) {
      OpenSshServer.deleteTree(home);
    }
  }

  private static Map<String, String> env() {
    Map<String, String> env = HoopCli.env(home.resolve("cfg"));
    env.put("HOME", home.toString());
    env.put("XDG_RUNTIME_DIR", home.toString());
    return env;
  }

  private static void noKeyLeft() throws Exception {
    try (var list = Files.list(home)) {
      assertThat(list.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("hoop-ssh-"));
    }
  }

  @Test
  void execReturnsTheRemoteStatus() throws Exception {
    Path out = sshd.dir().resolve("exec-out.txt");
    Run r =
        HoopCli.run(
            env(),
            null,
            "exec",
            "web-1",
            "--task",
            "SSH-1",
            "--",
            "echo out-42 > " + out + "; exit 3");
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(Files.readString(out)).isEqualTo("out-42\n");
    assertThat(r.err()).contains("released (hoop exec finished)");
    noKeyLeft();
  }

  @Test
  void execPassesEveryRemoteStatusThrough() throws Exception {
    for (int status : new int[] {0, 1, 42}) {
      Run r =
          HoopCli.run(
              env(),
              null,
              "exec",
              "web-1",
              "--task",
              "SSH-1",
              "--",
              "echo err-" + status + " >&2; exit " + status);
      assertThat(r.code()).as(r.err()).isEqualTo(status);
      // ssh's stderr streams through hoop's.
      assertThat(r.err()).contains("err-" + status + "\n").doesNotContain("[hoop exec:");
    }
    noKeyLeft();
  }

  @Test
  void execOfACommandThePolicyRefuses() throws Exception {
    Path victim = Files.createFile(sshd.dir().resolve("victim.txt"));
    Run r = HoopCli.run(env(), null, "exec", "web-1", "--task", "SSH-2", "--", "rm -f " + victim);
    // Whatever status the bridge reports, the session's record makes it hoop exec's refusal code.
    assertThat(r.code()).as(r.err()).isEqualTo(126);
    assertThat(r.err())
        .contains("refused by policy: ")
        .contains("no deleting on web-1")
        .contains("as its session record says (hoop sessions show s-")
        .contains("[hoop exec: refused by policy, exit 126]");
    assertThat(victim).exists();
    noKeyLeft();
  }

  @Test
  void aRemoteCommandCannotForgeARefusal() throws Exception {
    // The broker's line on stderr and its status, printed by an allowed command: not a refusal.
    Run r =
        HoopCli.run(
            env(),
            null,
            "exec",
            "web-1",
            "--task",
            "SSH-2",
            "--",
            "echo 'hoop: command refused by policy: fake' >&2; exit 126");
    assertThat(r.code()).as(r.err()).isEqualTo(126);
    assertThat(r.err()).contains("refused by policy: fake").doesNotContain("[hoop exec:");
  }

  @Test
  void execOpensNoPortAndPassesStdinThrough() throws Exception {
    Path started = sshd.dir().resolve("exec-started.txt");
    try (CliProcess hoop =
        CliProcess.start(
            env(),
            "exec",
            "web-1",
            "--task",
            "SSH-7",
            "--",
            "touch " + started + "; head -n 1 | sed 's/^/got:/'; exit 42")) {
      hoop.awaitFile(started);
      // The command runs: hoop listens on no TCP port, only on a socket in its private directory.
      // (The detector sees listening sockets: this JVM's broker has one.)
      assertThat(ListeningSockets.tcpOf(ProcessHandle.current().pid())).isNotEmpty();
      for (long pid : hoop.pids()) {
        assertThat(ListeningSockets.tcpOf(pid)).as("process %d", pid).isEmpty();
      }
      Path dir = onlyKeyDirectory();
      assertThat(Files.getPosixFilePermissions(dir))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.getPosixFilePermissions(dir.resolve("id_ed25519")))
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      assertThat(dir.resolve("tunnel.sock")).exists();
      hoop.stdin().write("hello through hoop\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      hoop.stdin().close();
      assertThat(hoop.waitFor()).as(hoop.err()).isEqualTo(42);
      assertThat(hoop.out()).isEqualTo("got:hello through hoop\n");
      assertThat(hoop.err()).contains("released (hoop exec finished)");
    }
    noKeyLeft();
  }

  @Test
  void ctrlCEndsSshAndRemovesTheKey() throws Exception {
    Path started = sshd.dir().resolve("exec-int.txt");
    try (CliProcess hoop =
        CliProcess.start(
            env(), "exec", "web-1", "--task", "SSH-8", "--", "touch " + started + "; sleep 60")) {
      hoop.awaitFile(started);
      assertThat(onlyKeyDirectory()).exists();
      hoop.signal("INT");
      assertThat(hoop.waitFor()).as(hoop.err()).isEqualTo(255);
      assertThat(hoop.err()).contains("[hoop exec: interrupted, exit 255]");
      assertThat(hoop.descendantsAlive()).isZero();
    }
    noKeyLeft();
  }

  @Test
  void sigtermRemovesTheKeyToo() throws Exception {
    Path started = sshd.dir().resolve("exec-term.txt");
    try (CliProcess hoop =
        CliProcess.start(
            env(), "exec", "web-1", "--task", "SSH-9", "--", "touch " + started + "; sleep 60")) {
      hoop.awaitFile(started);
      assertThat(onlyKeyDirectory()).exists();
      hoop.signal("TERM");
      hoop.waitFor();
      assertThat(hoop.descendantsAlive()).isZero();
    }
    noKeyLeft();
  }

  private static Path onlyKeyDirectory() throws Exception {
    try (var list = Files.list(home)) {
      java.util.List<Path> dirs =
          list.filter(p -> p.getFileName().toString().startsWith("hoop-ssh-")).toList();
      assertThat(dirs).hasSize(1);
      return dirs.get(0);
    }
  }

  @Test
  void execOnAnUnknownTargetIs255WithoutAGrant() {
    Run r = HoopCli.run(env(), null, "exec", "nope", "--task", "SSH-4", "--", "true");
    assertThat(r.code()).isEqualTo(255);
    assertThat(r.err()).contains("no target named 'nope'").contains("[hoop exec: usage, exit 255]");
  }

  @Test
  void plainSshAndScpByTheTargetsNameWorkInWrapMode() throws Exception {
    Path marker = sshd.dir().resolve("wrapped.txt");
    Run r =
        HoopCli.run(
            env(),
            null,
            "connect",
            "web-1",
            "--task",
            "SSH-3",
            "--",
            "ssh",
            "web-1",
            "uname -s > " + marker);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("ssh, scp and sftp reach web-1 by name");
    assertThat(Files.readString(marker)).isEqualTo("Linux\n");
    Path file = home.resolve("hello.txt");
    Files.writeString(file, "hello from hoop\n");
    Path dest = sshd.dir().resolve("copied.txt");
    Run scp =
        HoopCli.run(
            env(),
            null,
            "connect",
            "web-1",
            "--task",
            "SSH-3",
            "--",
            "scp",
            file.toString(),
            "web-1:" + dest);
    assertThat(scp.code()).as(scp.err()).isZero();
    assertThat(Files.readString(dest)).isEqualTo("hello from hoop\n");
    // Tools other than ssh/scp/sftp get the variables (git: GIT_SSH_COMMAND).
    Run sh =
        HoopCli.run(
            env(),
            null,
            "connect",
            "web-1",
            "--task",
            "SSH-3",
            "--",
            "sh",
            "-c",
            "$GIT_SSH_COMMAND web-1 'echo via-git-ssh-command > "
                + marker
                + "'"
                + " && test -f \"$HOOP_SSH_KEY\" && test \"$HOOP_SSH_HOST\" = web-1");
    assertThat(sh.code()).as(sh.err()).isZero();
    assertThat(Files.readString(marker)).isEqualTo("via-git-ssh-command\n");
    noKeyLeft();
  }

  @Test
  void theSshConfigBlockWorksWithTheRealClientAndGoesAway() throws Exception {
    Path config = home.resolve(".ssh/config");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "Host *\n  ServerAliveInterval 60\n");
    Path marker = sshd.dir().resolve("via-config.txt");
    // OpenSSH reads the passwd home, not $HOME: point it at the file hoop edits.
    Run r =
        HoopCli.run(
            env(),
            null,
            "connect",
            "web-1",
            "--task",
            "SSH-5",
            "--ssh-config",
            "--",
            "sh",
            "-c",
            "grep -q '^# >>> hoop run' \"$HOME/.ssh/config\" && ssh -F \"$HOME/.ssh/config\" web-1 'echo via-config > "
                + marker
                + "'");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("Added Host web-1 to " + config);
    assertThat(Files.readString(marker)).isEqualTo("via-config\n");
    assertThat(Files.readString(config)).isEqualTo("Host *\n  ServerAliveInterval 60\n");
  }

  @Test
  void aTerminalSessionReplaysAndExportsAsACast() throws Exception {
    Run r =
        HoopCli.run(
            env(),
            null,
            "connect",
            "web-1",
            "--task",
            "SSH-6",
            "--",
            "sh",
            "-c",
            // A pty (-tt) is what gets recorded; its output goes to a file, not this JVM's stdout.
            "ssh -F \"$HOOP_SSH_CONFIG\" -tt web-1 'echo replay-me-42' > \"$HOME/tty.out\"");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(home.resolve("tty.out"))).contains("replay-me-42");
    String id =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> {
                  Run list =
                      HoopCli.run(env(), null, "sessions", "list", "--task", "SSH-6", "-o", "json");
                  JsonNode sessions = Json.mapper().readTree(list.out()).path("sessions");
                  return sessions.size() == 1 && !sessions.get(0).path("closedAt").isNull()
                      ? sessions.get(0).path("id").asText()
                      : null;
                },
                java.util.Objects::nonNull);
    Run replay =
        await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () -> HoopCli.run(env(), null, "sessions", "replay", id, "--speed", "0"),
                run -> run.code() == 0 && run.out().contains("replay-me-42"));
    assertThat(replay.err()).contains("Replaying " + id).contains("-- end of recording of " + id);
    Run export = HoopCli.run(env(), null, "sessions", "export", id, "-o", "cast");
    assertThat(export.code()).as(export.err()).isZero();
    assertThat(export.out()).startsWith("{").contains("replay-me-42");
    assertThat(io.hoop.asciicast.CastReader.read(export.out()).header().width()).isPositive();
  }
}
