package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.ssh.testing.OpenSshClient;
import io.hoop.engine.ssh.testing.OpenSshClient.Result;
import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.engine.ssh.testing.Terminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bridge between real OpenSSH clients and a real OpenSSH server (no tunnel yet). */
class SshBridgeIT {

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
    work = Files.createTempDirectory("hoop-bridge-it-");
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
        .withSftp(BridgePolicy.SftpCheck.allowAll())
        .withDirectTcpip((h, p) -> Verdict.allow());
  }

  private Admission admission(BridgePolicy policy) throws IOException {
    return admission(
        policy,
        new InetSocketAddress("127.0.0.1", sshd.port()),
        List.of(sshd.hostKey()),
        new TargetCredential.Key(sshd.clientKeyPair()));
  }

  private Admission admission(
      BridgePolicy policy,
      InetSocketAddress address,
      List<PublicKey> pinned,
      TargetCredential cred) {
    return new Admission(
        "web-1", userPublicKey, address, pinned, sshd.user(), cred, policy, events::add);
  }

  /** Registers the admission and returns an OpenSSH client pinned to the bridge's host key. */
  private OpenSshClient expect(Admission admission) throws IOException {
    sessionKey = "session-" + SESSIONS.incrementAndGet();
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

  @Test
  void execPassesOutputAndExitStatus() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));

    Result r =
        OpenSshClient.run(ssh.ssh(List.of(), "echo out-$((6*7)); echo err-1 >&2; exit 7"), T);

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(7);
    assertThat(r.stdout()).isEqualTo("out-42\n");
    assertThat(r.stderr()).contains("err-1");
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(BridgeEvent.Connected.class));
    assertThat(events)
        .filteredOn(BridgeEvent.ChannelEnded.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((BridgeEvent.ChannelEnded) e).exitStatus()).isEqualTo(7));
  }

  @Test
  void execStdinReachesTheTargetAndEofEndsIt() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    Path input = work.resolve("input.txt");
    Files.writeString(input, "line one\nline two\n");
    List<String> command = ssh.ssh(List.of(), "wc -l");
    ProcessBuilder pb = new ProcessBuilder(command).redirectInput(input.toFile());
    pb.environment().remove("SSH_AUTH_SOCK");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out.trim()).isEqualTo("2");
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void deniedExecGetsAClearMessageAndStatus126() throws Exception {
    BridgePolicy policy =
        allowAll()
            .withExec(
                c ->
                    c.startsWith("echo ")
                        ? Verdict.allow()
                        : Verdict.deny("rule no-rm: rm is not allowed"));
    OpenSshClient ssh = expect(admission(policy));

    Result denied = OpenSshClient.run(ssh.ssh(List.of(), "rm -rf /tmp/x"), T);
    Result allowed = OpenSshClient.run(ssh.ssh(List.of(), "echo fine"), T);

    assertThat(denied.exitCode()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
    assertThat(denied.stdout()).isEmpty();
    assertThat(denied.stderr())
        .contains("hoop: command refused by policy: rule no-rm: rm is not allowed");
    assertThat(allowed.stdout()).isEqualTo("fine\n");
    assertThat(events)
        .filteredOn(BridgeEvent.Denied.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((BridgeEvent.Denied) e).detail()).isEqualTo("rm -rf /tmp/x"));
  }

  @Test
  void deniedShellAndDefaultPolicyDenyEverything() throws Exception {
    OpenSshClient ssh = expect(admission(BridgePolicy.denyAll()));

    Result exec = OpenSshClient.run(ssh.ssh(List.of(), "id"), T);
    Result shell = OpenSshClient.run(ssh.ssh(List.of("-T")), T);

    assertThat(exec.exitCode()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
    assertThat(exec.stderr()).contains("hoop: command refused by policy");
    assertThat(shell.exitCode()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
    assertThat(shell.stderr()).contains("hoop: shell refused by policy");
  }

  @Test
  void hooksThatThrowDeny() throws Exception {
    BridgePolicy throwing =
        new BridgePolicy(
            c -> {
              throw new IllegalStateException("rules unavailable");
            },
            () -> {
              throw new IllegalStateException("rules unavailable");
            },
            new BridgePolicy.SftpCheck() {
              @Override
              public Verdict subsystem() {
                throw new IllegalStateException("rules unavailable");
              }

              @Override
              public boolean checksOperations() {
                return true;
              }

              @Override
              public Verdict operation(
                  io.hoop.engine.ssh.policy.SftpOperation op, String path, String otherPath) {
                throw new IllegalStateException("rules unavailable");
              }
            },
            (h, p) -> {
              throw new IllegalStateException("rules unavailable");
            });
    OpenSshClient ssh = expect(admission(throwing));

    Result exec = OpenSshClient.run(ssh.ssh(List.of(), "id"), T);
    Result shell = OpenSshClient.run(ssh.ssh(List.of("-T")), T);

    assertThat(exec.exitCode()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
    assertThat(exec.stderr())
        .contains("hoop: command refused by policy: the command could not be checked");
    assertThat(shell.exitCode()).isEqualTo(SshBridge.REFUSED_EXIT_STATUS);
    assertThat(shell.stderr()).contains("could not be checked");
  }

  @Test
  void exitSignalIsPassedBack() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "kill -9 $$"), T);

    // OpenSSH exits 255 for a remote command killed by a signal
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(255);
    assertThat(events)
        .filteredOn(BridgeEvent.ChannelEnded.class::isInstance)
        .singleElement()
        .satisfies(e -> assertThat(((BridgeEvent.ChannelEnded) e).exitSignal()).isEqualTo("KILL"));
  }

  @Test
  void interactiveShellInAPty() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));

    // a real shell request (the target user's login shell), then a prompt of our own typed at once
    try (Terminal term = Terminal.open(ssh.ssh(List.of("-tt", "-o", "SetEnv=LANG=C.UTF-8")))) {
      term.type("export PS1='P''S1> '\r");
      term.await("PS1> ", T);
      term.type("echo hi-$((6*7)) $LANG; tty\r");
      term.await("hi-42 C.UTF-8", T);
      term.await("/dev/pts/", T);
      term.type("exit\r");
      assertThat(term.waitFor(T)).as(term.screen()).isZero();
    }
    String recorded =
        events.stream()
            .filter(BridgeEvent.Output.class::isInstance)
            .map(e -> new String(((BridgeEvent.Output) e).data(), StandardCharsets.UTF_8))
            .collect(Collectors.joining());
    assertThat(recorded).contains("PS1> ").contains("hi-42 C.UTF-8");
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        BridgeEvent.ChannelStarted.class,
                        s -> {
                          assertThat(s.kind()).isEqualTo("shell");
                          assertThat(s.pty()).isTrue();
                        }));
  }

  @Test
  void scp100MegabytesBothWaysOverSftp() throws Exception {
    scp100MegabytesBothWays(List.of(), "subsystem");
  }

  @Test
  void scp100MegabytesBothWaysLegacyProtocol() throws Exception {
    scp100MegabytesBothWays(List.of("-O"), "exec");
  }

  private void scp100MegabytesBothWays(List<String> flags, String kind) throws Exception {
    List<String> commands = new CopyOnWriteArrayList<>();
    OpenSshClient ssh =
        expect(
            admission(
                allowAll()
                    .withExec(
                        c -> {
                          commands.add(c);
                          return Verdict.allow();
                        })));
    Path local = work.resolve("up.bin");
    byte[] chunk = new byte[1 << 20];
    new Random(7).nextBytes(chunk);
    try (OutputStream out = Files.newOutputStream(local)) {
      for (int i = 0; i < 100; i++) {
        chunk[0] = (byte) i;
        out.write(chunk);
      }
    }
    Path remote = sshd.dir().resolve("remote.bin");
    Path back = work.resolve("down.bin");
    try {
      Result up =
          OpenSshClient.run(ssh.scp(flags, local.toString(), ssh.remote(remote.toString())), T);
      assertThat(up.exitCode()).as(up.stderr()).isZero();
      assertThat(sha256(remote)).isEqualTo(sha256(local));

      Result down =
          OpenSshClient.run(ssh.scp(flags, ssh.remote(remote.toString()), back.toString()), T);
      assertThat(down.exitCode()).as(down.stderr()).isZero();
      assertThat(sha256(back)).isEqualTo(sha256(local));
      assertThat(events)
          .filteredOn(BridgeEvent.ChannelEnded.class::isInstance)
          .map(e -> (BridgeEvent.ChannelEnded) e)
          .filteredOn(e -> e.kind().equals(kind))
          .anySatisfy(e -> assertThat(e.bytesToTarget()).isGreaterThanOrEqualTo(100L << 20))
          .anySatisfy(e -> assertThat(e.bytesFromTarget()).isGreaterThanOrEqualTo(100L << 20));
      if (kind.equals("exec")) {
        // legacy scp is an exec the exec hook sees: upload scp -t, download scp -f
        assertThat(commands).hasSize(2);
        assertThat(commands.get(0)).startsWith("scp ").contains(" -t ").endsWith(remote.toString());
        assertThat(commands.get(1)).startsWith("scp ").contains(" -f ").endsWith(remote.toString());
      } else {
        assertThat(commands).isEmpty();
        // scp over sftp: the transfers are recorded with the remote name and the sizes
        assertThat(events)
            .filteredOn(BridgeEvent.FileTransfer.class::isInstance)
            .map(e -> (BridgeEvent.FileTransfer) e)
            .anySatisfy(
                t -> {
                  assertThat(t.path()).isEqualTo(remote.toString());
                  assertThat(t.bytesWritten()).isEqualTo(100L << 20);
                })
            .anySatisfy(
                t -> {
                  assertThat(t.path()).isEqualTo(remote.toString());
                  assertThat(t.bytesRead()).isEqualTo(100L << 20);
                });
      }
    } finally {
      Files.deleteIfExists(local);
      Files.deleteIfExists(back);
      Files.deleteIfExists(remote);
    }
  }

  @Test
  void sftpPutGetLs() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    Path remoteDir = Files.createDirectory(sshd.dir().resolve("sftp-" + sessionKey));
    Path local = work.resolve("put.txt");
    Files.writeString(local, "sftp payload\n");
    Path got = work.resolve("got.txt");
    Path batch = work.resolve("batch.txt");
    Files.writeString(
        batch,
        String.join(
            "\n",
            "cd " + remoteDir,
            "put " + local + " uploaded.txt",
            "ls -l",
            "get uploaded.txt " + got,
            ""));

    Result r = OpenSshClient.run(ssh.sftp(batch), T);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("uploaded.txt");
    assertThat(Files.readString(got)).isEqualTo("sftp payload\n");
    assertThat(Files.readString(remoteDir.resolve("uploaded.txt"))).isEqualTo("sftp payload\n");
    String uploaded = remoteDir.resolve("uploaded.txt").toString();
    assertThat(events)
        .contains(
            new BridgeEvent.SftpOperation(sessionKey, 0, "open-write", uploaded, ""),
            new BridgeEvent.SftpOperation(sessionKey, 0, "open-read", uploaded, ""),
            new BridgeEvent.SftpOperation(sessionKey, 0, "opendir", remoteDir.toString(), ""),
            new BridgeEvent.FileTransfer(sessionKey, 0, uploaded, 13, 0),
            new BridgeEvent.FileTransfer(sessionKey, 0, uploaded, 0, 13));
    Files.delete(got);
  }

  @Test
  void sftpDeniedByPolicy() throws Exception {
    OpenSshClient ssh =
        expect(
            admission(allowAll().withSftp(BridgePolicy.SftpCheck.deny("no sftp for this role"))));
    Path batch = work.resolve("batch-denied.txt");
    Files.writeString(batch, "ls\n");

    Result r = OpenSshClient.run(ssh.sftp(batch), T);

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("hoop: subsystem refused by policy: no sftp for this role");
  }

  @Test
  void localForwardAllowedByTheHookIsOpenedByTheTarget() throws Exception {
    OpenSshClient ssh =
        expect(
            admission(
                allowAll()
                    .withDirectTcpip(
                        (h, p) ->
                            p == sshd.port()
                                ? Verdict.allow()
                                : Verdict.deny("only the ssh port"))));
    int localPort = freePort();

    Process fwd =
        start(
            ssh.ssh(
                List.of(
                    "-N",
                    "-o",
                    "ExitOnForwardFailure=yes",
                    "-L",
                    localPort + ":127.0.0.1:" + sshd.port())));
    try {
      String banner = readBannerWhenReady(localPort);
      assertThat(banner).startsWith("SSH-2.0-OpenSSH");
    } finally {
      fwd.destroy();
      fwd.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void localForwardRefusedByTheHook() throws Exception {
    OpenSshClient ssh =
        expect(
            admission(
                allowAll()
                    .withDirectTcpip((h, p) -> Verdict.deny("forwarding is off for this role"))));
    int localPort = freePort();
    Path err = work.resolve("fwd-err.txt");

    ProcessBuilder pb =
        new ProcessBuilder(ssh.ssh(List.of("-N", "-L", localPort + ":127.0.0.1:" + sshd.port())))
            .redirectError(err.toFile());
    pb.environment().remove("SSH_AUTH_SOCK");
    Process fwd = pb.start();
    try {
      String banner = readBannerWhenReady(localPort);
      assertThat(banner).isEmpty();
      awaitFileContains(err, "administratively prohibited");
      awaitFileContains(
          err,
          "hoop: forwarding to 127.0.0.1:"
              + sshd.port()
              + " refused by policy: forwarding is off for this role");
      assertThat(events)
          .anySatisfy(
              e ->
                  assertThat(e)
                      .isInstanceOfSatisfying(
                          BridgeEvent.Denied.class,
                          d -> assertThat(d.kind()).isEqualTo("direct-tcpip")));
    } finally {
      fwd.destroy();
      fwd.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void agentForwardingIsRefused() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    Path sock = work.resolve("agent.sock");
    Process agent =
        new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString())
            .redirectErrorStream(true)
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(sock) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Result r =
          OpenSshClient.run(
              withoutOption(
                  ssh.ssh(List.of("-A"), "echo \"[${SSH_AUTH_SOCK:-none}]\""),
                  "IdentityAgent=none"),
              T,
              Map.of("SSH_AUTH_SOCK", sock.toString()));

      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).isEqualTo("[none]\n");
      assertThat(events)
          .anySatisfy(
              e ->
                  assertThat(e)
                      .isInstanceOfSatisfying(
                          BridgeEvent.Denied.class,
                          d -> assertThat(d.kind()).isEqualTo("agent-forwarding")));
    } finally {
      agent.destroy();
      agent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void changedTargetHostKeyIsRefusedWithFingerprints() throws Exception {
    Path other = work.resolve("other_host_key");
    OpenSshServer.keygen(other, "ed25519");
    PublicKey pinned = OpenSshServer.readPublicKey(work.resolve("other_host_key.pub"));
    OpenSshClient ssh =
        expect(
            admission(
                allowAll(),
                new InetSocketAddress("127.0.0.1", sshd.port()),
                List.of(pinned),
                new TargetCredential.Key(sshd.clientKeyPair())));

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "echo should-not-run"), T);

    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stdout()).doesNotContain("should-not-run");
    assertThat(r.stderr())
        .contains("host key of target web-1")
        .contains(org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(sshd.hostKey()))
        .contains(org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(pinned));
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(BridgeEvent.TargetFailed.class));
  }

  @Test
  void wrongTargetCredentialIsAClearErrorWithoutTheCredential() throws Exception {
    String password = "hunter2-s3cr3t-Pa55";
    OpenSshClient ssh =
        expect(
            admission(
                allowAll(),
                new InetSocketAddress("127.0.0.1", sshd.port()),
                List.of(sshd.hostKey()),
                new TargetCredential.Password(password)));

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "echo should-not-run"), T);

    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stderr())
        .contains("refused the broker's login as " + sshd.user())
        .doesNotContain(password);
    assertThat(events.toString()).doesNotContain(password);
  }

  @Test
  void targetDownIsAClearError() throws Exception {
    int closed = freePort();
    OpenSshClient ssh =
        expect(
            admission(
                allowAll(),
                new InetSocketAddress("127.0.0.1", closed),
                List.of(sshd.hostKey()),
                new TargetCredential.Key(sshd.clientKeyPair())));

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "echo should-not-run"), T);

    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stderr()).contains("target web-1 (127.0.0.1:" + closed + ") is unreachable");
  }

  @Test
  void closeCutsALiveShellWithinOneSecondWithTheMessage() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    try (Terminal term =
        Terminal.open(ssh.ssh(List.of("-tt"), "env -i PS1='prompt$ ' bash --norc -i"))) {
      term.await("prompt$ ", T);
      term.type("echo alive-$((1+1))\r");
      term.await("alive-2", T);

      long start = System.nanoTime();
      bridge.close(sessionKey, "hoop: grant G-1 for task OPS-7 was revoked");
      int exit = term.waitFor(Duration.ofSeconds(5));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      sessionKey = null;

      assertThat(exit).as(term.screen()).isNotEqualTo(-1);
      assertThat(took).isLessThan(Duration.ofSeconds(1));
      assertThat(term.screen()).contains("hoop: grant G-1 for task OPS-7 was revoked");
    }
  }

  @Test
  void unknownUserKeyIsNotAdmitted() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    Path stranger = work.resolve("stranger_key");
    OpenSshServer.keygen(stranger, "ed25519");
    OpenSshClient other = new OpenSshClient(ssh.port(), stranger, ssh.knownHosts(), sshd.user());

    Result r = OpenSshClient.run(other.ssh(List.of(), "echo should-not-run"), T);

    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stderr()).contains("Permission denied (publickey)");
  }

  @Test
  void onlyLangAndLcEnvironmentReachesTheTarget() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));

    Result r =
        OpenSshClient.run(
            ssh.ssh(
                List.of("-o", "SetEnv=LANG=C.UTF-8 LC_TIME=C FOO=bar LD_PRELOAD=/tmp/evil.so"),
                "echo \"$LANG|$LC_TIME|${FOO:-unset}|${LD_PRELOAD:-unset}\""),
            T);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("C.UTF-8|C|unset|unset\n");
  }

  @Test
  void windowChangeReachesTheTargetPty() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    try (org.apache.sshd.client.SshClient client =
        org.apache.sshd.client.SshClient.setUpDefaultClient()) {
      PublicKey bridgeKey = bridge.hostKey("web-1");
      client.setServerKeyVerifier(
          (s, a, k) -> org.apache.sshd.common.config.keys.KeyUtils.compareKeys(k, bridgeKey));
      client.start();
      try (org.apache.sshd.client.session.ClientSession s =
          client.connect(sshd.user(), "127.0.0.1", ssh.port()).verify(T).getClientSession()) {
        s.addPublicKeyIdentity(OpenSshServer.loadKeyPair(userKey));
        s.auth().verify(T);
        org.apache.sshd.client.channel.ChannelShell shell = s.createShellChannel();
        shell.setPtyColumns(80);
        shell.setPtyLines(24);
        // terminal modes pass through: ECHO off and VINTR as ^B (not the default ^C) on the target
        // pty
        shell.setPtyModes(
            Map.of(
                org.apache.sshd.common.channel.PtyMode.ECHO, 0,
                org.apache.sshd.common.channel.PtyMode.VINTR, 2));
        java.io.PipedOutputStream keys = new java.io.PipedOutputStream();
        shell.setIn(new java.io.PipedInputStream(keys));
        StringBuffer screen = new StringBuffer();
        OutputStream sink =
            new OutputStream() {
              @Override
              public void write(int b) {
                screen.append((char) b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                screen.append(new String(b, off, len, StandardCharsets.UTF_8));
              }
            };
        shell.setOut(sink);
        shell.setErr(sink);
        shell.open().verify(T);
        keys.write("stty size; echo mark-1\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        awaitText(screen, "24 80");
        shell.sendWindowChange(120, 40);
        keys.write("stty size; echo mark-2\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        awaitText(screen, "40 120");
        keys.write(
            "stty -a | tr ' ;' '\\n\\n' | grep -x -e -echo -e '\\^B' | tr '\\n' +; echo\n"
                .getBytes(StandardCharsets.UTF_8));
        keys.flush();
        awaitText(screen, "^B+-echo+");
        keys.write("exit\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        shell.waitFor(
            java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED), T);
      }
    }
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        BridgeEvent.Resized.class, r -> assertThat(r.columns()).isEqualTo(120)));
  }

  @Test
  void warnWritesALineOnTheTerminalAndTheSessionGoesOn() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));
    String key = sessionKey;
    Thread warner =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                return;
              }
              bridge.warn(key, "hoop: grant G-1 expires in 5 minutes");
            });
    warner.start();

    Result r = OpenSshClient.run(ssh.ssh(List.of(), "sleep 3; echo still-here"), T);
    warner.join();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("still-here\n");
    assertThat(r.stderr()).contains("hoop: grant G-1 expires in 5 minutes");
  }

  @Test
  void remoteForwardingAndX11AreRefused() throws Exception {
    OpenSshClient ssh = expect(admission(allowAll()));

    Result remote =
        OpenSshClient.run(
            ssh.ssh(
                List.of("-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:" + sshd.port()),
                "echo should-not-run"),
            T);
    Result x11 =
        OpenSshClient.run(
            ssh.ssh(
                List.of("-X", "-o", "ForwardX11Trusted=yes", "-o", "XAuthLocation=/bin/false"),
                "echo \"[${DISPLAY:-none}]\""),
            T,
            Map.of("DISPLAY", "127.0.0.1:0"));

    assertThat(remote.exitCode()).isEqualTo(255);
    assertThat(remote.stderr()).contains("remote port forwarding failed");
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        BridgeEvent.Denied.class,
                        d -> assertThat(d.kind()).isEqualTo("tcpip-forward")));
    assertThat(remote.stdout()).isEmpty();
    assertThat(x11.stdout()).isEqualTo("[none]\n");
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        BridgeEvent.Denied.class,
                        d -> assertThat(d.kind()).isEqualTo("x11-forwarding")));
  }

  private static void awaitText(StringBuffer screen, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (screen.indexOf(text) < 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + text + "' in: " + screen);
      }
      Thread.sleep(10);
    }
  }

  private static List<String> withoutOption(List<String> command, String option) {
    List<String> c = new java.util.ArrayList<>(command);
    int i = c.indexOf(option);
    c.remove(i);
    c.remove(i - 1);
    return c;
  }

  private static Process start(List<String> command) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("SSH_AUTH_SOCK");
    return pb.start();
  }

  /** Connects to the forwarded port once ssh listens and reads the first line the far end sends. */
  private static String readBannerWhenReady(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
          line.append((char) b);
        }
        return line.toString().trim();
      } catch (java.net.ConnectException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static void awaitFileContains(Path file, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        file
            + " does not contain "
            + text
            + ": "
            + (Files.exists(file) ? Files.readString(file) : ""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
