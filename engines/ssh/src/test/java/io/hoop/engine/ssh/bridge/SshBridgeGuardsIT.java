package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.ssh.engine.CastRecordings;
import io.hoop.engine.ssh.engine.SshAdmissions;
import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.Glob;
import io.hoop.engine.ssh.policy.SftpOperation;
import io.hoop.engine.ssh.policy.SftpPolicy;
import io.hoop.engine.ssh.policy.SftpRule;
import io.hoop.engine.ssh.testing.OpenSshClient;
import io.hoop.engine.ssh.testing.OpenSshClient.Result;
import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.engine.ssh.testing.Terminal;
import io.hoop.tunnel.engine.Holds;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge's guards between real OpenSSH clients and a real sshd: exec commands held for review,
 * sftp rules per operation, recorded keystrokes, who ended a session, expiry on exec channels.
 */
class SshBridgeGuardsIT {

  private static final Duration T = Duration.ofSeconds(60);
  private static final AtomicInteger SESSIONS = new AtomicInteger();

  private static OpenSshServer sshd;
  private static SshBridge bridge;
  private static Path work;
  private static Path userKey;
  private static PublicKey userPublicKey;
  private static KeyPair bridgeHostKey;

  private final List<BridgeEvent> events = new CopyOnWriteArrayList<>();
  private String sessionKey;

  @BeforeAll
  static void start() throws Exception {
    sshd = OpenSshServer.start();
    work = Files.createTempDirectory("hoop-bridge-guards-it-");
    userKey = work.resolve("user_key");
    OpenSshServer.keygen(userKey, "ed25519");
    userPublicKey = OpenSshServer.readPublicKey(work.resolve("user_key.pub"));
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    bridgeHostKey = g.generateKeyPair();
    bridge = SshBridge.start(target -> bridgeHostKey);
  }

  @AfterAll
  static void stop() {
    if (bridge != null) {
      bridge.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (work != null) {
      OpenSshServer.deleteTree(work);
    }
  }

  @AfterEach
  void closeSession() {
    if (sessionKey != null) {
      bridge.close(sessionKey, "test over");
    }
  }

  private static BridgePolicy allowAll() {
    return BridgePolicy.denyAll()
        .withExec(c -> Verdict.allow())
        .withShell(Verdict::allow)
        .withSftp(BridgePolicy.SftpCheck.allowAll());
  }

  private static BridgePolicy reviewing(String prefix) {
    return allowAll()
        .withExec(
            c ->
                c.startsWith(prefix)
                    ? Verdict.review("exec.rules[0]", "needs review: restarts are reviewed")
                    : Verdict.allow());
  }

  private OpenSshClient expect(BridgePolicy policy, BridgeListener listener, Holds holds)
      throws IOException {
    return expect(policy, listener, holds, false);
  }

  private OpenSshClient expect(
      BridgePolicy policy, BridgeListener listener, Holds holds, boolean recordInput)
      throws IOException {
    Admission admission =
        new Admission(
            "web-1",
            userPublicKey,
            new InetSocketAddress("127.0.0.1", sshd.port()),
            List.of(sshd.hostKey()),
            sshd.user(),
            new TargetCredential.Key(sshd.clientKeyPair()),
            policy,
            listener,
            holds,
            recordInput);
    sessionKey = "guards-" + SESSIONS.incrementAndGet();
    InetSocketAddress at = bridge.expect(sessionKey, admission);
    Path knownHosts = work.resolve("known_hosts-" + sessionKey);
    Files.writeString(
        knownHosts,
        "[127.0.0.1]:"
            + at.getPort()
            + " "
            + PublicKeyEntry.toString(bridge.hostKey("web-1"))
            + "\n");
    return new OpenSshClient(at.getPort(), userKey, knownHosts, sshd.user());
  }

  /** A review process under the test's control: one hold, decided by the test. */
  private static final class TestHolds implements Holds {
    final CompletableFuture<Holds.Decision> decision = new CompletableFuture<>();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final List<HoldRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Hold> hold(HoldRequest request) {
      requests.add(request);
      return CompletableFuture.completedFuture(
          new Hold() {
            @Override
            public String id() {
              return "h-1";
            }

            @Override
            public String notice() {
              return "hoop: command held for review as h-1; approve with: hoop holds approve h-1";
            }

            @Override
            public CompletionStage<Decision> decision() {
              return decision;
            }

            @Override
            public void cancel() {
              cancelled.set(true);
              decision.complete(new Decision(false, "hoop", "cancelled"));
            }
          });
    }
  }

  private static Process background(List<String> command, Path out, Path err) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().remove("SSH_AUTH_SOCK");
    return pb.start();
  }

  private <E extends BridgeEvent> E awaitEvent(Class<E> type) throws InterruptedException {
    long deadline = System.nanoTime() + T.toNanos();
    while (System.nanoTime() < deadline) {
      for (BridgeEvent e : events) {
        if (type.isInstance(e)) {
          return type.cast(e);
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no " + type.getSimpleName() + " event in " + events);
  }

  private static void awaitFile(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + T.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(file + " never showed '" + text + "'");
  }

  // ---- exec review

  @Test
  void heldExecRunsOnceWhenApprovedAndNotBefore() throws Exception {
    TestHolds holds = new TestHolds();
    OpenSshClient ssh = expect(reviewing("restart"), events::add, holds);
    Path marker = sshd.dir().resolve("ran-" + sessionKey);
    Path out = work.resolve("out-" + sessionKey);
    Path err = work.resolve("err-" + sessionKey);
    String command = "restart=1; echo ran >> " + marker + "; echo done";

    Process p = background(ssh.ssh(List.of(), command), out, err);
    BridgeEvent.Held held = awaitEvent(BridgeEvent.Held.class);
    awaitFile(err, "held for review as h-1");
    Thread.sleep(300);
    assertThat(marker).doesNotExist();
    assertThat(p.isAlive()).isTrue();
    holds.decision.complete(new Holds.Decision(true, "bob", ""));

    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(Files.readString(out)).isEqualTo("done\n");
    assertThat(Files.readString(marker)).isEqualTo("ran\n");
    assertThat(Files.readString(err)).contains("hold h-1 approved by bob");
    assertThat(held.detail()).isEqualTo(command);
    assertThat(held.rule()).isEqualTo("exec.rules[0]");
    assertThat(holds.requests)
        .containsExactly(new Holds.HoldRequest("exec", command, "exec.rules[0]"));
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(BridgeEvent.HoldApproved.class));
    assertThat(events).noneMatch(BridgeEvent.HoldRefused.class::isInstance);
  }

  @Test
  void heldExecDeniedOrTimedOutNeverRunsAndExits126WithTheReason() throws Exception {
    for (Holds.Decision d :
        List.of(
            new Holds.Decision(false, "bob", "not during the freeze"),
            new Holds.Decision(false, "hoop", "timed out after 15 minutes"))) {
      events.clear();
      TestHolds holds = new TestHolds();
      OpenSshClient ssh = expect(reviewing("restart"), events::add, holds);
      Path marker = sshd.dir().resolve("ran-" + sessionKey);
      Path out = work.resolve("out-" + sessionKey);
      Path err = work.resolve("err-" + sessionKey);

      Process p = background(ssh.ssh(List.of(), "restart=1; echo ran >> " + marker), out, err);
      awaitEvent(BridgeEvent.Held.class);
      holds.decision.complete(d);

      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
      assertThat(Files.readString(err))
          .contains("hoop: command refused: hold h-1 (exec.rules[0]) was not approved by " + d.by())
          .contains(d.reason());
      assertThat(marker).doesNotExist();
      BridgeEvent.HoldRefused refused = awaitEvent(BridgeEvent.HoldRefused.class);
      assertThat(refused.by()).isEqualTo(d.by());
      assertThat(refused.holdId()).isEqualTo("h-1");
      bridge.close(sessionKey, "next");
    }
  }

  @Test
  void closingTheClientCancelsTheHold() throws Exception {
    TestHolds holds = new TestHolds();
    OpenSshClient ssh = expect(reviewing("restart"), events::add, holds);
    Path marker = sshd.dir().resolve("ran-" + sessionKey);

    Process p =
        background(
            ssh.ssh(List.of(), "restart=1; echo ran >> " + marker),
            work.resolve("out-" + sessionKey),
            work.resolve("err-" + sessionKey));
    awaitEvent(BridgeEvent.Held.class);
    p.destroy(); // ssh on SIGTERM closes its connection, as on Ctrl-C
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    BridgeEvent.HoldRefused refused = awaitEvent(BridgeEvent.HoldRefused.class);
    assertThat(refused.by()).isEqualTo("user");
    assertThat(refused.reason()).contains("cancelled");
    // The hold is cancelled as the session ends, which may come just after the event.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!holds.cancelled.get() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(holds.cancelled).isTrue();
    // an approval that comes too late runs nothing
    holds.decision.complete(new Holds.Decision(true, "bob", ""));
    Thread.sleep(300);
    assertThat(marker).doesNotExist();
  }

  @Test
  void withoutAReviewProcessReviewRefusesNamingWhy() throws Exception {
    OpenSshClient ssh = expect(reviewing("restart"), events::add, Holds.NONE);

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "restart=1; echo ran"), T);

    assertThat(r.exitCode()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr())
        .contains("needs review: restarts are reviewed")
        .contains("cannot be held")
        .contains("no review process");
    assertThat(awaitEvent(BridgeEvent.HoldRefused.class).holdId()).isEmpty();
  }

  @Test
  void theGrantEndingWhileACommandWaitsRefusesItWithinASecond() throws Exception {
    TestHolds holds = new TestHolds();
    OpenSshClient ssh = expect(reviewing("restart"), events::add, holds);
    Path err = work.resolve("err-" + sessionKey);
    Path marker = sshd.dir().resolve("ran-" + sessionKey);

    Process p =
        background(
            ssh.ssh(List.of(), "restart=1; echo ran >> " + marker),
            work.resolve("out-" + sessionKey),
            err);
    awaitEvent(BridgeEvent.Held.class);
    long start = System.nanoTime();
    bridge.close(sessionKey, "hoop: grant G-1 for task OPS-7 expired");
    sessionKey = null;
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(Files.readString(err)).contains("hoop: grant G-1 for task OPS-7 expired");
    assertThat(holds.cancelled).isTrue();
    assertThat(awaitEvent(BridgeEvent.HoldRefused.class).reason()).contains("expired");
    holds.decision.complete(new Holds.Decision(true, "bob", ""));
    Thread.sleep(300);
    assertThat(marker).doesNotExist();
  }

  // ---- expiry on exec channels, end reasons

  @Test
  void execChannelsGetTheWarningAndTheGoodbyeOnStderrAndCloseWithinASecond() throws Exception {
    OpenSshClient ssh = expect(allowAll(), events::add, Holds.NONE);
    Path out = work.resolve("out-" + sessionKey);
    Path err = work.resolve("err-" + sessionKey);
    Process p = background(ssh.ssh(List.of(), "echo started; sleep 30"), out, err);
    awaitFile(out, "started");

    bridge.warn(
        sessionKey, "hoop: grant G-1 for task OPS-7 expires at 12:00:00 UTC (in 5 minutes)");
    awaitFile(err, "expires at 12:00:00 UTC (in 5 minutes)");
    assertThat(p.isAlive()).isTrue();
    long start = System.nanoTime();
    bridge.close(sessionKey, "hoop: grant G-1 for task OPS-7 was revoked");
    sessionKey = null;
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(Files.readString(err)).contains("hoop: grant G-1 for task OPS-7 was revoked");
    assertThat(events)
        .filteredOn(BridgeEvent.Ended.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((BridgeEvent.Ended) e).code()).isEqualTo("broker_closed"));
  }

  @Test
  void aSessionTheClientEndsSaysSo() throws Exception {
    OpenSshClient ssh = expect(allowAll(), events::add, Holds.NONE);

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "true"), T);

    assertThat(r.exitCode()).isZero();
    assertThat(awaitEvent(BridgeEvent.Ended.class).code()).isEqualTo("client_closed");
  }

  @Test
  void aSessionTheTargetEndsSaysSo() throws Exception {
    OpenSshClient ssh = expect(allowAll(), events::add, Holds.NONE);

    // the target's sshd session process goes away: its connection closes under the client
    OpenSshClient.run(ssh.ssh(List.of(), "kill -9 $PPID"), T);

    assertThat(awaitEvent(BridgeEvent.Ended.class).code()).isEqualTo("target_closed");
  }

  // ---- sftp rules per operation

  private static BridgePolicy.SftpCheck lockedUnder(Path dir) {
    String locked = dir.resolve("locked") + "/**";
    return SshAdmissions.sftp(
        new SftpPolicy(
            List.of(
                new SftpRule(
                    "sftp.rules[0]",
                    Set.of(
                        SftpOperation.WRITE,
                        SftpOperation.REMOVE,
                        SftpOperation.RENAME,
                        SftpOperation.SETSTAT,
                        SftpOperation.MKDIR,
                        SftpOperation.RMDIR),
                    Glob.path(locked),
                    Action.DENY,
                    "locked is read-only")),
            Action.ALLOW));
  }

  @Test
  void sftpRulesRefuseOperationsOneByOneAndTheSessionGoesOn() throws Exception {
    Path dir = Files.createDirectory(sshd.dir().resolve("sftp-guard-" + SESSIONS.get()));
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.writeString(locked.resolve("keep.txt"), "keep\n");
    OpenSshClient ssh = expect(allowAll().withSftp(lockedUnder(dir)), events::add, Holds.NONE);
    Path local = work.resolve("local-" + sessionKey + ".txt");
    Files.writeString(local, "payload\n");
    Path got = work.resolve("got-" + sessionKey + ".txt");
    Path gotLocked = work.resolve("got-locked-" + sessionKey + ".txt");
    Path batch = work.resolve("batch-" + sessionKey);
    Files.writeString(
        batch,
        String.join(
            "\n",
            "cd " + dir,
            "put " + local + " open/up.txt",
            "get open/up.txt " + got,
            "get locked/keep.txt " + gotLocked,
            "ls open",
            "-rm locked/keep.txt",
            "-rename open/up.txt locked/moved.txt",
            "-put " + local + " locked/new.txt",
            "-mkdir locked/sub",
            "-chmod 777 locked/keep.txt",
            "-rm open/../locked/keep.txt",
            "-put " + local + " open/../locked/dotdot.txt",
            "-rm " + dir + "//locked//keep.txt",
            "-rm " + dir + "/./locked/keep.txt",
            "-symlink " + locked + " open/link",
            "-ln " + locked.resolve("keep.txt") + " open/hard",
            "ls -l locked",
            "rm open/up.txt",
            ""));

    Result r = OpenSshClient.run(ssh.sftp(batch), T);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(Files.readString(got)).isEqualTo("payload\n");
    assertThat(Files.readString(gotLocked)).isEqualTo("keep\n");
    assertThat(r.stdout()).contains("up.txt").contains("keep.txt");
    assertThat(r.stderr()).contains("Permission denied");
    assertThat(Files.readString(locked.resolve("keep.txt"))).isEqualTo("keep\n");
    try (var files = Files.list(locked)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("keep.txt");
    }
    assertThat(open.resolve("link")).doesNotExist();
    assertThat(open.resolve("hard")).doesNotExist();
    assertThat(open.resolve("up.txt")).doesNotExist();
    List<BridgeEvent.Denied> denied =
        events.stream()
            .filter(BridgeEvent.Denied.class::isInstance)
            .map(BridgeEvent.Denied.class::cast)
            .toList();
    assertThat(denied).allSatisfy(d -> assertThat(d.kind()).isEqualTo("sftp"));
    String reasons =
        denied.stream().map(BridgeEvent.Denied::reason).collect(Collectors.joining("\n"));
    assertThat(reasons)
        .contains("sftp.rules[0]")
        .contains("locked is read-only")
        .contains("'..' segment")
        .contains("symlink")
        .contains("hardlink");
    assertThat(denied.stream().map(BridgeEvent.Denied::detail))
        .contains("remove " + locked.resolve("keep.txt"));
  }

  @Test
  void scpUploadsAreCheckedToo() throws Exception {
    Path dir = Files.createDirectory(sshd.dir().resolve("scp-guard-" + SESSIONS.get()));
    Files.createDirectory(dir.resolve("locked"));
    Files.createDirectory(dir.resolve("open"));
    OpenSshClient ssh = expect(allowAll().withSftp(lockedUnder(dir)), events::add, Holds.NONE);
    Path local = work.resolve("scp-" + sessionKey + ".txt");
    Files.writeString(local, "scp payload\n");

    Result ok = OpenSshClient.run(ssh.scp(local.toString(), ssh.remote(dir + "/open/a.txt")), T);
    Result no = OpenSshClient.run(ssh.scp(local.toString(), ssh.remote(dir + "/locked/a.txt")), T);

    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(dir.resolve("open/a.txt")).hasContent("scp payload");
    assertThat(no.exitCode()).isNotZero();
    assertThat(dir.resolve("locked/a.txt")).doesNotExist();

    // scp sends a relative remote path as it is; the gate resolves it against the home the target
    // reported for realpath("."), or refuses it when the client never asked
    String name = "hoop-rel-" + sessionKey + ".txt";
    Result rel = OpenSshClient.run(ssh.scp(local.toString(), ssh.remote(name)), T);
    Path home = Path.of(System.getProperty("user.home"));
    try {
      System.out.println("relative scp: exit " + rel.exitCode() + " " + rel.stderr());
      if (rel.exitCode() == 0) {
        assertThat(events)
            .noneMatch(e -> e instanceof BridgeEvent.Denied d && d.detail().contains(name));
      } else {
        assertThat(events)
            .anySatisfy(
                e ->
                    assertThat(e)
                        .isInstanceOfSatisfying(
                            BridgeEvent.Denied.class,
                            d -> assertThat(d.reason()).contains("working directory")));
      }
    } finally {
      Files.deleteIfExists(home.resolve(name));
    }
  }

  // ---- recorded input

  private String recordShell(boolean recordInput, String sessionId) throws Exception {
    Path dir = work.resolve("casts-" + sessionId);
    CastRecordings casts = new CastRecordings(dir);
    BridgeListener cast = casts.listener(sessionId, "test");
    OpenSshClient ssh =
        expect(
            allowAll(),
            e -> {
              events.add(e);
              cast.onEvent(e);
            },
            Holds.NONE,
            recordInput);
    try (Terminal term =
        Terminal.open(ssh.ssh(List.of("-tt"), "env -i PS1='prompt$ ' bash --norc -i"))) {
      term.await("prompt$ ", T);
      term.type("echo visible-$((40+2))\r");
      term.await("visible-42", T);
      term.type("stty -echo; read -r x; stty echo; echo got-${#x}\r");
      Thread.sleep(300);
      for (char c : "hunter2-pw".toCharArray()) {
        term.type(String.valueOf(c));
        Thread.sleep(20);
      }
      term.type("\r");
      term.await("got-10", T);
      term.type("read -rs y; echo len-${#y}\r");
      Thread.sleep(300);
      term.type("pasted-secret-9\r");
      term.await("len-15", T);
      term.type("exit\r");
      assertThat(term.waitFor(T)).as(term.screen()).isZero();
    }
    bridge.close(sessionKey, "done");
    sessionKey = null;
    Path file = dir.resolve(sessionId + ".cast");
    awaitFile(file, "exit");
    Thread.sleep(200);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    OpenSshServer.deleteTree(dir);
    return text;
  }

  private static String inputs(String cast) {
    return cast.lines()
        .filter(l -> l.contains(", \"i\", "))
        .map(l -> l.substring(l.indexOf(", \"i\", ") + 7, l.length() - 1))
        .collect(Collectors.joining());
  }

  @Test
  void recordedInputHasWhatWasEchoedAndNeverANoEchoSecret() throws Exception {
    String cast = recordShell(true, "s-input-on-" + SESSIONS.get());

    String typed = inputs(cast);
    assertThat(typed).contains("echo visible-$((40+2))").contains("exit");
    assertThat(cast).doesNotContain("hunter2").doesNotContain("pasted-secret");
  }

  @Test
  void inputIsNotRecordedByDefault() throws Exception {
    String cast = recordShell(false, "s-input-off-" + SESSIONS.get());

    assertThat(inputs(cast)).isEmpty();
    assertThat(cast).contains("visible-42").doesNotContain("hunter2");
    assertThat(events).noneMatch(BridgeEvent.Input.class::isInstance);
  }
}
