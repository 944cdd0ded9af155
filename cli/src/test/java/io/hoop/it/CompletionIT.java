package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop completion bash|zsh|fish} loaded into real bash, zsh and fish, completing
 * subcommands, options and live candidates (target names, pending request ids, grant ids) from a
 * real dev broker, through a {@code hoop} launcher on PATH that runs this build's CLI.
 */
class CompletionIT {
  static BrokerFixture broker;
  @TempDir static Path home;
  static Path bin;
  static String pendingId;
  static String aliceGrantId;

  @BeforeAll
  static void start() throws Exception {
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
                - {username: bob, groups: [dba]}
            targets:
              - {name: prod-db, type: tcp, address: "127.0.0.1:9", reviewers: [dba]}
              - {name: prod-replica, type: tcp, address: "127.0.0.1:9", reviewers: [dba]}
              - {name: web-1, type: tcp, address: "127.0.0.1:9"}
              - name: vault
                type: tcp
                address: "127.0.0.1:9"
                reviewers: [dba]
                onNoEntitlement: review
            entitlements:
              - group: engineering
                targets: [prod-db, prod-replica, web-1]
            """);
    login("alice", "default");
    login("bob", "bob");
    String alice = broker.login("alice");
    pendingId = BrokerJson.request(broker, alice, "vault", "OPS-1").path("id").asText();
    JsonNode approved = BrokerJson.request(broker, alice, "web-1", "OPS-2");
    assertThat(approved.path("status").asText()).isEqualTo("APPROVED");
    aliceGrantId = approved.path("id").asText();
    bin = home.resolve("bin");
    HoopCli.launcher(bin);
    for (String shell : List.of("bash", "zsh", "fish")) {
      Run r = HoopCli.run(env(), null, "completion", shell);
      assertThat(r.code()).as(r.err()).isZero();
      Path file =
          shell.equals("zsh")
              ? Files.createDirectories(home.resolve("zfunc")).resolve("_hoop")
              : home.resolve("hoop." + shell);
      Files.writeString(file, r.out());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static void login(String user, String profile) {
    HoopCli.login(broker, env(), user, profile);
  }

  /**
   * Fills the caches in this (warm) JVM, so each shell's TAB is answered from the cache as a user's
   * usually is: a cold JVM on a loaded CI machine may not fetch within the deadline.
   */
  static void warm() {
    for (String kind : List.of("targets", "grants", "sessions")) {
      HoopCli.run(env(), null, "__complete", kind, "");
    }
    HoopCli.run(env(), null, "--profile", "bob", "__complete", "pending", "");
  }

  static Map<String, String> env() {
    return HoopCli.env(home.resolve("config"));
  }

  /** The environment of a shell: the launcher first on PATH, HOME and XDG dirs in the test's. */
  private static Map<String, String> shellEnv() {
    Map<String, String> env = new HashMap<>(env());
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("xdg-config").toString());
    env.put("XDG_DATA_HOME", home.resolve("xdg-data").toString());
    env.put("XDG_CACHE_HOME", home.resolve("xdg-cache").toString());
    env.remove("ZDOTDIR");
    env.remove("BASH_ENV");
    env.remove("ENV");
    return env;
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(shellEnv());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  /** What bash's completion function offers for the words (the last one is at the cursor). */
  static List<String> bash(String... words) throws Exception {
    StringBuilder script = new StringBuilder();
    script.append("source '").append(home.resolve("hoop.bash")).append("'\n");
    script.append("COMP_WORDS=(");
    for (String w : words) {
      script.append(" '").append(w.replace("'", "'\\''")).append("'");
    }
    script.append(")\nCOMP_CWORD=").append(words.length - 1).append('\n');
    script.append("COMP_LINE=\"${COMP_WORDS[*]}\"\nCOMP_POINT=${#COMP_LINE}\n");
    script.append("_hoop_completion hoop \"${COMP_WORDS[COMP_CWORD]}\"\n");
    script.append("printf '%s\\n' \"${COMPREPLY[@]}\"\n");
    return lines(run(List.of("bash", "--norc", "--noprofile", "-c", script.toString())));
  }

  /** The command line after typing {@code input} and TAB in an interactive zsh. */
  static String zsh(String input) throws Exception {
    String driver =
        """
        zmodload zsh/zpty
        zpty z 'zsh -f -i'
        zpty -w z 'PS1="%% "; fpath=(%s $fpath); autoload -Uz compinit; compinit -u -D; echo READY$((40+2))'
        out=
        for i in {1..300}; do zpty -r -t z line && out+=$line || sleep 0.1; [[ $out == *READY42* ]] && break; done
        sleep 0.3; while zpty -r -t z line; do :; done
        zpty -w -n z "$1"$'\\t'
        sleep 3
        zpty -w -n z $'\\x01print -r -- \\x27<<<\\x05>>>\\x27\\n'
        res=
        for i in {1..300}; do zpty -r -t z line && res+=$line || sleep 0.1; [[ $res == *$'\\n'*'<<<'*'>>>'* ]] && break; done
        zpty -d z
        print -r -- "${${res##*$'\\n'<<<}%%>>>*}"
        """
            .formatted(home.resolve("zfunc"));
    warm();
    Path file = home.resolve("zpty-driver.zsh");
    Files.writeString(file, driver);
    return run(List.of("zsh", "-f", file.toString(), input)).strip();
  }

  /** What fish offers for {@code line} ({@code complete -C}), without descriptions. */
  static List<String> fish(String line) throws Exception {
    String script =
        "source '"
            + home.resolve("hoop.fish")
            + "'; complete -C '"
            + line.replace("\\", "\\\\").replace("'", "\\'")
            + "'";
    return lines(run(List.of("fish", "--no-config", "-c", script))).stream()
        .map(l -> l.split("\t", 2)[0])
        .toList();
  }

  private static List<String> lines(String text) {
    return Stream.of(text.split("\n")).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void bashCompletesSubcommandsOptionsAndLiveCandidates() throws Exception {
    warm();
    assertThat(bash("hoop", "co")).containsExactly("connect", "completion");
    assertThat(bash("hoop", "sessions", "")).containsExactly("list", "show", "replay", "export");
    assertThat(bash("hoop", "connect", "--ta")).containsExactly("--task");
    assertThat(bash("hoop", "targets", "-o", "")).containsExactly("table", "json", "yaml");
    assertThat(bash("hoop", "connect", "pr")).containsExactly("prod-db", "prod-replica");
    assertThat(bash("hoop", "exec", "")).containsExactly("prod-db", "prod-replica", "web-1");
    // bash splits --target=p at '=': the value is its own word.
    assertThat(bash("hoop", "sessions", "list", "--target", "=", "w")).containsExactly("web-1");
    assertThat(bash("hoop", "--profile", "bob", "approve", "")).containsExactly(pendingId);
    // Her live grant, and her pending request (revoke withdraws it).
    assertThat(bash("hoop", "revoke", "")).containsExactlyInAnyOrder(aliceGrantId, pendingId);
    // After the target, the next positional has no candidates; after --, file names.
    assertThat(bash("hoop", "connect", "prod-db", "")).isEmpty();
    assertThat(bash("hoop", "connect", "prod-db", "--", home + "/hoop.b"))
        .containsExactly(home + "/hoop.bash");
  }

  @Test
  void zshCompletesThroughFpathAndCompinit() throws Exception {
    assertThat(zsh("hoop conn")).isEqualTo("hoop connect");
    assertThat(zsh("hoop connect prod-r")).isEqualTo("hoop connect prod-replica");
    assertThat(zsh("hoop --profile bob approve "))
        .isEqualTo("hoop --profile bob approve " + pendingId);
    assertThat(zsh("hoop targets --output=j")).isEqualTo("hoop targets --output=json");
  }

  @Test
  void fishCompletesWithDescriptionsAndLiveCandidates() throws Exception {
    warm();
    assertThat(fish("hoop co")).containsExactlyInAnyOrder("connect", "completion");
    assertThat(fish("hoop connect p")).containsExactlyInAnyOrder("prod-db", "prod-replica");
    assertThat(fish("hoop --profile bob deny ")).containsExactly(pendingId);
    assertThat(fish("hoop sessions list --target w")).containsExactly("web-1");
    assertThat(fish("hoop completion ")).containsExactlyInAnyOrder("bash", "zsh", "fish");
    String described =
        run(
            List.of(
                "fish",
                "--no-config",
                "-c",
                "source '" + home.resolve("hoop.fish") + "'; complete -C 'hoop conn'"));
    assertThat(described).startsWith("connect\tOpen a local port to a target");
  }

  @Test
  void aSilentBrokerCostsATabAtMostAboutASecondAndPrintsNothing() throws Exception {
    Path profiles = home.resolve("config").resolve("profiles");
    Path silent = profiles.resolve("silent");
    copy(profiles.resolve("default"), silent);
    try (ServerSocket server = new ServerSocket(0)) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(server.accept()); // accepted, never answered
                  }
                } catch (IOException e) {
                  // closed
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      Path profileFile = silent.resolve("profile.json");
      Files.writeString(
          profileFile,
          Files.readString(profileFile)
              .replace(broker.url(), "https://127.0.0.1:" + server.getLocalPort()));
      long start = System.nanoTime();
      Run r = HoopCli.run(env(), null, "--profile", "silent", "__complete", "targets", "");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.code()).isZero();
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).isEmpty();
      assertThat(millis).isLessThan(3000);
      // The failure is remembered: the next TAB does not wait again.
      start = System.nanoTime();
      r = HoopCli.run(env(), null, "--profile", "silent", "__complete", "targets", "");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(800);
      assertThat(r.out()).isEmpty();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void withoutALoginNothingIsOfferedAndNothingIsAsked() {
    Run r = HoopCli.run(env(), null, "--profile", "nobody", "__complete", "targets", "");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEmpty();
    Run bad = HoopCli.run(env(), null, "__complete", "no-such-kind", "--weird", "$(x)");
    assertThat(bad.code()).isZero();
    assertThat(bad.out()).isEmpty();
  }

  @Test
  void theCacheIsOwnerOnly() throws Exception {
    HoopCli.run(env(), null, "__complete", "targets", "");
    Path file = home.resolve("config").resolve("profiles").resolve("default").resolve("completion");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(file.resolve("targets")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(file.resolve("targets"))).contains("prod-db\n");
  }

  @Test
  void afterALogoutATabOffersNothing() throws Exception {
    Path profiles = home.resolve("config").resolve("profiles");
    // A copy of alice's login (a real logout would end the session the other tests use).
    copy(profiles.resolve("default"), profiles.resolve("gone"));
    Run r = HoopCli.run(env(), null, "--profile", "gone", "__complete", "targets", "prod-");
    assertThat(r.out()).isEqualTo("prod-db\nprod-replica\n");
    // From the cache now, without reading the login: the launcher's answer is the same.
    assertThat(
            run(
                List.of(
                    bin.resolve("hoop").toString(),
                    "--profile",
                    "gone",
                    "__complete",
                    "targets",
                    "w")))
        .isEqualTo("web-1\n");
    Files.delete(profiles.resolve("gone").resolve("credentials.json"));
    assertThat(
            run(
                List.of(
                    bin.resolve("hoop").toString(),
                    "--profile",
                    "gone",
                    "__complete",
                    "targets",
                    "")))
        .isEmpty();
    r = HoopCli.run(env(), null, "--profile", "gone", "__complete", "targets", "");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(
            f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
