package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.testkit.BrokerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A target in a private network that only {@code hoop-agent} reaches: a network namespace joined to
 * the host by a veth pair on a private /30 (the agent's way out to the broker), and a real
 * PostgreSQL inside it listening on an address of the namespace's own loopback, which the host has
 * no route to. The agent runs inside the namespace as its own process ({@code ip netns exec}); the
 * broker runs here. psql goes through {@code hoop connect} -> broker -> agent -> PostgreSQL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentNetnsIT {
  private static final String AGENT = "eu1";
  private static final int PG_PORT = 5432;
  private static final int SSH_PORT = 22;
  private static final int API_PORT = 6443;
  private static final String API_TOKEN = "sa-token-behind-the-agent";
  private static final String API_SECRET = "s3cret-behind-the-agent";

  static String ns;
  static String vethHost;
  static String hostAddress;
  static String nsAddress;
  static String targetAddress;
  static Path base;
  static Process postgres;
  static OpenSshServer sshd;
  static Process api;
  static Path apiDir;
  static Process agent;
  static Path agentLog;
  static BrokerFixture broker;
  static Path home;
  static Map<String, String> env;
  static Path tokenFile;
  static boolean routeAdded;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "network namespaces need root");
    long id = ProcessHandle.current().pid() % 200 + 20;
    ns = "hoop-agent-it-" + ProcessHandle.current().pid();
    vethHost = "hagt" + ProcessHandle.current().pid() % 100000;
    String vethNs = vethHost + "n";
    hostAddress = "10.213." + id + ".1";
    nsAddress = "10.213." + id + ".2";
    targetAddress = "10.214." + id + ".1";
    base = Files.createTempDirectory("hoop-agent-it-");
    home = Files.createDirectories(base.resolve("home"));
    run("ip", "netns", "add", ns);
    run("ip", "link", "add", vethHost, "type", "veth", "peer", "name", vethNs);
    run("ip", "link", "set", vethNs, "netns", ns);
    run("ip", "addr", "add", hostAddress + "/30", "dev", vethHost);
    run("ip", "link", "set", vethHost, "up");
    inNs("ip", "addr", "add", nsAddress + "/30", "dev", vethNs);
    inNs("ip", "link", "set", vethNs, "up");
    inNs("ip", "link", "set", "lo", "up");
    // The target's address lives only on the namespace's loopback: the host has no route to it.
    inNs("ip", "addr", "add", targetAddress + "/32", "dev", "lo");
    // and the host's side says so at once (without this, a default route could take the packets
    // elsewhere): the broker's network has no way into the private one.
    run("ip", "route", "add", "unreachable", targetAddress + "/32");
    routeAdded = true;
    startPostgres();
    sshd = OpenSshServer.start(List.of("ip", "netns", "exec", ns), targetAddress, SSH_PORT);
    startApiServer();
    Path saToken = base.resolve("sa.token");
    Files.writeString(saToken, API_TOKEN + "\n");
    Files.setPosixFilePermissions(saToken, PosixFilePermissions.fromString("rw-------"));

    broker =
        BrokerFixture.start(
            """
            listen: 0.0.0.0:0
            devIdp:
              pollInterval: 1s
            targets:
              - name: private-db
                type: postgres
                address: %s:%d
                via: %s
              - name: private-tcp
                type: tcp
                address: %s:%d
                via: %s
              - name: direct-db
                type: postgres
                address: %s:%d
              - name: private-ssh
                type: ssh
                address: %s:%d
                via: %s
                ssh:
                  hostKeys: ['%s']
                  roles:
                    ops:
                      user: %s
                      privateKeyFile: %s
                      shell: allow
                      exec:
                        rules:
                          - match: 'rm *'
                            action: deny
                            message: no deleting behind the agent
              - name: private-k8s
                type: kubernetes
                address: %s:%d
                via: %s
                kubernetes:
                  caFile: %s
                  serverName: localhost
                  defaultRole: ops
                  roles:
                    ops:
                      tokenFile: %s
                      default: allow
            entitlements:
              - group: engineering
                targets: [private-db, private-tcp, direct-db, private-ssh, private-k8s]
                maxDuration: 1h
            """
                .formatted(
                    targetAddress,
                    PG_PORT,
                    AGENT,
                    targetAddress,
                    PG_PORT,
                    AGENT,
                    targetAddress,
                    PG_PORT,
                    targetAddress,
                    SSH_PORT,
                    AGENT,
                    targetAddress
                        + " "
                        + Files.readString(sshd.dir().resolve("host_key.pub")).strip(),
                    sshd.user(),
                    sshd.clientKeyFile(),
                    targetAddress,
                    API_PORT,
                    AGENT,
                    apiDir.resolve("ca.pem"),
                    saToken));
    tokenFile =
        AgentProcess.mintTokenFile(
            base.resolve("agent.token"), broker.dataDir(), null, "agent:" + AGENT);
    startAgent();
    env = HoopCli.env(home.resolve("hoop"));
    HoopCli.login(broker, env, "alice", "default");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (agent != null) {
        killAgent();
      }
      if (broker != null) {
        broker.close();
      }
      if (sshd != null) {
        sshd.close();
      }
      if (api != null) {
        api.destroy();
        if (!api.waitFor(10, TimeUnit.SECONDS)) {
          api.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      if (postgres != null) {
        postgres.destroy();
        if (!postgres.waitFor(20, TimeUnit.SECONDS)) {
          postgres.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (ns != null) {
        // Deleting the namespace removes its end of the veth pair and with it the host's end.
        quietly("ip", "netns", "del", ns);
        quietly("ip", "link", "del", vethHost);
      }
      if (routeAdded) {
        quietly("ip", "route", "del", "unreachable", targetAddress + "/32");
      }
      if (base != null) {
        try (Stream<Path> files = Files.walk(base)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  // ---- the tests ---------------------------------------------------------------------------

  @Test
  @Order(1)
  void theBrokerItselfCannotReachTheTarget() throws Exception {
    try (Socket s = new Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> s.connect(new InetSocketAddress(targetAddress, PG_PORT), 2000))
          .isInstanceOf(IOException.class);
    }
    // and through the broker's own dial, a target without via cannot be reached
    HoopCli.Run r = psql("direct-db", "AG-0", "select 1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("cannot connect to target direct-db at " + targetAddress);
  }

  @Test
  @Order(2)
  void psqlThroughHoopConnectReachesTheTargetThroughTheAgent() throws Exception {
    HoopCli.Run r = psql("private-db", "AG-1", "select id, name from items order by id");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.out()).isEqualTo("1|one\n2|two\n3|three\n");
    assertThat(broker.server().audit().list(0, 1000, "token:agent:" + AGENT, null))
        .extracting(e -> e.type())
        .contains("agent.connected");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> broker.server().audit().list(0, 1000, "alice", "AG-1"),
            l -> l.stream().anyMatch(e -> e.type().equals("tunnel.close")));
  }

  @Test
  @Order(2)
  void theTcpEngineReachesAViaTargetThroughTheSameSeam() throws Exception {
    Path result = base.resolve("tcp.out");
    HoopCli.Run r =
        connect(
            "private-tcp",
            "AG-1T",
            "sh",
            "-c",
            "exec psql -X -h \"$HOOP_HOST\" -p \"$HOOP_PORT\" -U postgres -d postgres -At -o "
                + result
                + " -c 'select name from items where id = 2'");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(Files.readString(result)).isEqualTo("two\n");
  }

  @Test
  @Order(2)
  void sshThroughHoopConnectReachesTheTargetThroughTheAgentWithItsGuardrails() throws Exception {
    Path marker = sshd.dir().resolve("via-agent.txt");
    HoopCli.Run r =
        connect(
            "private-ssh", "AG-S1", "ssh", "private-ssh", "ip -o -4 addr show dev lo > " + marker);
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    // the command ran inside the private network: its loopback holds the target's address
    assertThat(Files.readString(marker)).contains(targetAddress);
    // the engine's exec rules still apply on the far side of the agent
    HoopCli.Run denied = connect("private-ssh", "AG-S2", "ssh", "private-ssh", "rm " + marker);
    assertThat(denied.code()).isNotZero();
    assertThat(marker).exists();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> broker.server().audit().list(0, 1000, "alice", "AG-S2"),
            l ->
                l.stream()
                    .anyMatch(
                        e ->
                            e.type().equals("ssh.denied")
                                && e.details()
                                    .toString()
                                    .contains("no deleting behind the agent")));
  }

  @Test
  @Order(2)
  void kubectlThroughHoopConnectReachesTheApiServerThroughTheAgent() throws Exception {
    Path out = base.resolve("kubectl.out");
    HoopCli.Run r =
        connect(
            "private-k8s",
            "AG-K1",
            "sh",
            "-c",
            "\"$1\" get pods -o name > \"$2\" 2>&1 && \"$1\" get secret db -o yaml >> \"$2\" 2>&1",
            "sh",
            kubectl(),
            out.toString());
    String seen = Files.exists(out) ? Files.readString(out) : "";
    assertThat(r.code()).as("stderr: %s\nkubectl: %s", r.err(), seen).isZero();
    assertThat(seen).contains("pod/web").contains("password:");
    // TLS to the API server was verified against its CA through the agent's stream, and the
    // secret's value was masked on the way back
    assertThat(seen)
        .doesNotContain(
            java.util.Base64.getEncoder()
                .encodeToString(API_SECRET.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @Order(3)
  void manyConcurrentStreamsAndAStalledOneShareTheOneAgentConnection() throws Exception {
    int port = freePort();
    try (CliProcess cli =
        CliProcess.start(
            env, "connect", "private-db", "--task", "AG-2", "--port", Integer.toString(port))) {
      cli.awaitErr("Tunnel open");
      var link = broker.server().agents().find(AGENT).orElseThrow();

      // A client that asks for ~100 MB and reads none of it: its stream must stall at its window.
      try (Socket stalled = new Socket("127.0.0.1", port)) {
        stalled.setReceiveBufferSize(4096);
        OutputStream out = stalled.getOutputStream();
        out.write(startup("postgres", "postgres"));
        out.write(query("select repeat('x', 1000) from generate_series(1, 100000)"));
        out.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> link.connection().openStreams() >= 1);
        Thread.sleep(1000);

        // 16 psql sessions at once, each reading ~2 MB (beyond a stream's window), all finish.
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
          List<Future<String>> runs = new ArrayList<>();
          for (int i = 0; i < 16; i++) {
            int n = i;
            runs.add(
                pool.submit(
                    () ->
                        localPsql(
                            port,
                            "select "
                                + n
                                + ", count(*), sum(length(r)) from (select repeat('y', 1000) r"
                                + " from generate_series(1, 2000)) t; select md5(string_agg(r, ''))"
                                + " from (select repeat('z', 1000) r from generate_series(1, 2000)) t")));
          }
          for (int i = 0; i < 16; i++) {
            String out16 = runs.get(i).get(60, TimeUnit.SECONDS);
            assertThat(out16).startsWith(i + "|2000|2000000\n");
          }
        } finally {
          pool.shutdownNow();
        }
        assertThat(broker.server().agents().find(AGENT).orElseThrow())
            .as("one agent connection carried every stream")
            .isSameAs(link);
        assertThat(stalled.isClosed()).isFalse();
        assertThat(link.connection().openStreams())
            .as("the stalled stream is still open")
            .isGreaterThanOrEqualTo(1);
      }
      cli.signal("INT");
      assertThat(cli.waitFor()).as(cli.err()).isZero();
    }
  }

  @Test
  @Order(4)
  void anAgentKilledMidSessionClosesItsTunnelsAndRefusesNewOnesNamingTheAgent() throws Exception {
    int port = freePort();
    try (CliProcess cli =
        CliProcess.start(
            env, "connect", "private-db", "--task", "AG-3", "--port", Integer.toString(port))) {
      cli.awaitErr("Tunnel open");
      Process psql = localPsqlSession(port);
      OutputStream in = psql.getOutputStream();
      in.write("select 'alive';\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      byte[] buf = new byte[64];
      int n = psql.getInputStream().read(buf);
      assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).startsWith("alive");

      killAgent();

      var closes =
          await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () -> broker.server().audit().list(0, 1000, "alice", "AG-3"),
                  l -> l.stream().anyMatch(e -> e.type().equals("tunnel.close")));
      assertThat(
              closes.stream()
                  .filter(e -> e.type().equals("tunnel.close"))
                  .findFirst()
                  .orElseThrow()
                  .details())
          .containsEntry("reason", "agent_disconnected");
      // hoop connect says why (the broker's CLOSE comes after the engine's goodbye grace: psql,
      // told to talk before it arrives, would close the local side first), and psql's session is
      // gone (psql, idle, sees only the lost connection when it next talks)
      cli.awaitErr("agent " + AGENT + " disconnected");
      in.write("select 2;\n".getBytes(StandardCharsets.UTF_8));
      in.close();
      String rest = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(psql.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(rest).contains("connection to server was lost");
      assertThat(broker.server().audit().list(0, 1000, "token:agent:" + AGENT, null))
          .extracting(e -> e.type())
          .contains("agent.disconnected");
      assertThat(broker.server().agents().find(AGENT)).isEmpty();
      cli.signal("INT");
      cli.waitFor();
    }
    HoopCli.Run r = psql("private-db", "AG-4", "select 1");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("agent " + AGENT).contains("not connected");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> broker.server().audit().list(0, 1000, "alice", null),
            l ->
                l.stream()
                    .anyMatch(
                        e ->
                            e.type().equals("tunnel.rejected")
                                && String.valueOf(e.details().get("message"))
                                    .contains("agent " + AGENT)));
  }

  @Test
  @Order(5)
  void aRestartedAgentGetsItsTargetsBackAndItsStreamLimitHolds() throws Exception {
    startAgent("--max-streams", "2");
    HoopCli.Run r = psql("private-db", "AG-5", "select count(*) from items");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.out()).isEqualTo("3\n");

    // The agent carries two connections at once, as it told the broker: a third is refused with
    // the limit named, and the two keep working.
    var link = broker.server().agents().find(AGENT).orElseThrow();
    int port = freePort();
    List<Process> held = new ArrayList<>();
    try (CliProcess cli =
        CliProcess.start(
            env, "connect", "private-db", "--task", "AG-5L", "--port", Integer.toString(port))) {
      cli.awaitErr("Tunnel open");
      for (int i = 0; i < 2; i++) {
        Process psql = localPsqlSession(port);
        held.add(psql);
        OutputStream in = psql.getOutputStream();
        in.write(("select 'held" + i + "';\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        byte[] buf = new byte[64];
        int n = psql.getInputStream().read(buf);
        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).startsWith("held" + i);
      }
      assertThat(link.connection().openStreams()).isEqualTo(2);
      Process third = localPsqlSession(port);
      third.getOutputStream().write("select 'third';\n".getBytes(StandardCharsets.UTF_8));
      third.getOutputStream().close();
      String thirdOut = new String(third.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(third.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(thirdOut).doesNotContain("third");
      cli.awaitErr("carries its maximum of 2 streams");
      // the two held sessions still answer
      for (Process psql : held) {
        psql.getOutputStream().write("select 'still';\n".getBytes(StandardCharsets.UTF_8));
        psql.getOutputStream().flush();
        byte[] buf = new byte[64];
        int n = psql.getInputStream().read(buf);
        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).startsWith("still");
      }
      cli.signal("INT");
      cli.waitFor();
    } finally {
      held.forEach(Process::destroyForcibly);
    }
  }

  /** An interactive psql on {@code port} (queries on its stdin, unaligned rows on its stdout). */
  private static Process localPsqlSession(int port) throws IOException {
    return localPsqlProcess(port, "-At");
  }

  /** psql as postgres on {@code port} of 127.0.0.1 with {@code args}, stderr into stdout. */
  private static Process localPsqlProcess(int port, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "psql",
                "-X",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                "postgres"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  @Test
  @Order(6)
  void aTokenFileOthersCanReadIsRefusedAndAnotherAgentsTokenIsRefusedAudited() throws Exception {
    Path loose = base.resolve("loose.token");
    Files.writeString(loose, Files.readString(tokenFile));
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    StringWriter err = new StringWriter();
    int code =
        io.hoop.agent.AgentMain.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "run",
            "--broker",
            "https://127.0.0.1:" + broker.port(),
            "--name",
            AGENT,
            "--token-file",
            loose.toString(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(code).isEqualTo(4);
    assertThat(err.toString()).contains("rw-r--r--").contains("chmod 600");

    // the token of agent eu1 does not serve agent eu2
    err = new StringWriter();
    code =
        io.hoop.agent.AgentMain.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "run",
            "--broker",
            "https://127.0.0.1:" + broker.port(),
            "--name",
            "eu2",
            "--token-file",
            tokenFile.toString(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(code).as(err.toString()).isEqualTo(3);
    assertThat(err.toString()).contains("may not serve agent eu2");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> broker.server().audit().list(0, 1000, "token:agent:" + AGENT, null),
            l -> l.stream().anyMatch(e -> e.type().equals("agent.refused")));
  }

  @Test
  @Order(7)
  void theAgentEndpointRefusesHostileHellos() throws Exception {
    // oversized declared HELLO: refused from the header, nothing buffered
    try (RawTunnel raw = new RawTunnel(broker.port(), broker.fingerprint())) {
      raw.out.write(io.hoop.tunnel.mux.AgentProtocol.MAGIC);
      raw.out.writeByte(1);
      raw.out.writeInt(0);
      raw.out.writeInt(Integer.MAX_VALUE);
      raw.out.flush();
      assertThat(refusal(raw)).contains("\"code\":\"bad_hello\"").contains("expected at most");
    }
    // a frame that is not HELLO, and HELLO that is not JSON
    for (byte[] body : new byte[][] {"{".getBytes(StandardCharsets.UTF_8), new byte[0]}) {
      try (RawTunnel raw = new RawTunnel(broker.port(), broker.fingerprint())) {
        raw.out.write(io.hoop.tunnel.mux.AgentProtocol.MAGIC);
        raw.out.writeByte(1);
        raw.out.writeInt(0);
        raw.out.writeInt(body.length);
        raw.out.write(body);
        raw.out.flush();
        assertThat(refusal(raw)).contains("\"code\":\"bad_hello\"");
      }
    }
    // a forged token, a person's session, no token: unauthenticated or not allowed, audited
    String alice = broker.login("alice");
    for (String token : new String[] {"eyJhbGciOiJub25lIn0.e30.", alice, ""}) {
      try (RawTunnel raw = new RawTunnel(broker.port(), broker.fingerprint())) {
        raw.out.write(io.hoop.tunnel.mux.AgentProtocol.MAGIC);
        byte[] hello =
            io.hoop.api.Json.mapper()
                .writeValueAsBytes(new io.hoop.tunnel.mux.AgentHello(AGENT, token, 1, 0));
        raw.out.writeByte(1);
        raw.out.writeInt(0);
        raw.out.writeInt(hello.length);
        raw.out.write(hello);
        raw.out.flush();
        assertThat(refusal(raw)).containsAnyOf("unauthenticated", "agent_not_allowed");
      }
    }
    assertThat(broker.server().agents().find(AGENT).orElseThrow().principal())
        .as("the real agent kept its place")
        .isEqualTo("token:agent:" + AGENT);
  }

  /** Reads the REFUSED frame's JSON and checks the broker closes after it. */
  private static String refusal(RawTunnel raw) throws IOException {
    int type = raw.in.readUnsignedByte();
    int stream = raw.in.readInt();
    int length = raw.in.readInt();
    assertThat(type).isEqualTo(3);
    assertThat(stream).isZero();
    assertThat(length).isBetween(1, 65536);
    byte[] b = new byte[length];
    raw.in.readFully(b);
    assertThat(raw.closedByBroker()).isTrue();
    return new String(b, StandardCharsets.UTF_8);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** {@code hoop connect TARGET --task TASK --duration 5m -- COMMAND...} as alice. */
  private static HoopCli.Run connect(String target, String task, String... command) {
    List<String> args =
        new ArrayList<>(List.of("connect", target, "--task", task, "--duration", "5m", "--"));
    args.addAll(List.of(command));
    return HoopCli.run(env, null, args.toArray(String[]::new));
  }

  private static String kubectl() {
    String env = System.getenv("KUBECTL");
    return env == null || env.isBlank() ? "kubectl" : env;
  }

  /** The fake API server as a process inside the namespace (the test's JVM cannot bind there). */
  private static void startApiServer() throws Exception {
    apiDir = Files.createDirectories(base.resolve("api"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    api =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns,
                java,
                // its temporary files stay under the test's directory, removed with it
                "-Djava.io.tmpdir=" + Files.createDirectories(base.resolve("api-tmp")),
                "-cp",
                System.getProperty("java.class.path"),
                "io.hoop.engine.kubernetes.testing.FakeApiServerMain",
                apiDir.toString(),
                targetAddress,
                Integer.toString(API_PORT),
                API_TOKEN,
                API_SECRET)
            .redirectErrorStream(true)
            .redirectOutput(base.resolve("api.log").toFile())
            .start();
    Path ready = apiDir.resolve("ready");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(ready)) {
      if (!api.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the fake API server did not start: " + Files.readString(base.resolve("api.log")));
      }
      Thread.sleep(50);
    }
  }

  /** The run of {@code hoop connect TARGET -- psql -c SQL}; psql's output in {@link #rows}. */
  private static HoopCli.Run psql(String target, String task, String sql) throws IOException {
    Path result = base.resolve(task + ".out");
    Files.deleteIfExists(result);
    HoopCli.Run r =
        connect(
            target,
            task,
            "psql",
            "-X",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-o",
            result.toString(),
            "-c",
            sql);
    return new HoopCli.Run(r.code(), Files.exists(result) ? Files.readString(result) : "", r.err());
  }

  private static String localPsql(int port, String sql) throws Exception {
    Process p = localPsqlProcess(port, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static byte[] startup(String user, String database) {
    byte[] params =
        ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + params.length)
        .putInt(8 + params.length)
        .putInt(196608)
        .put(params)
        .array();
  }

  private static byte[] query(String sql) {
    byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + text.length)
        .put((byte) 'Q')
        .putInt(4 + text.length)
        .put(text)
        .array();
  }

  /** kill -9 of the agent: `ip netns exec` may run it as its child, so the whole tree. */
  private static void killAgent() throws Exception {
    List<ProcessHandle> tree = new ArrayList<>(agent.descendants().toList());
    tree.add(agent.toHandle());
    for (ProcessHandle p : tree) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : tree) {
      p.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  private static void startAgent(String... extra) throws Exception {
    agentLog = base.resolve("agent-" + System.nanoTime() + ".log");
    agent =
        AgentProcess.start(
            List.of("ip", "netns", "exec", ns),
            List.of("https://" + hostAddress + ":" + broker.port()),
            AGENT,
            tokenFile,
            broker.fingerprint(),
            agentLog,
            extra);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> broker.server().agents().find(AGENT).isPresent() || !agent.isAlive());
    } finally {
      assertThat(agent.isAlive()).as("agent log: %s", Files.readString(agentLog)).isTrue();
    }
  }

  private static void startPostgres() throws Exception {
    Path bin;
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      bin =
          versions
              .map(v -> v.resolve("bin"))
              .filter(b -> Files.isExecutable(b.resolve("postgres")))
              .max(Comparator.naturalOrder())
              .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed"));
    }
    Path pg = Files.createDirectories(base.resolve("pg"));
    UserPrincipal owner =
        pg.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
    Files.setOwner(pg, owner);
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    run(
        "runuser",
        "-u",
        "postgres",
        "--",
        bin.resolve("initdb").toString(),
        "-D",
        pg.resolve("data").toString(),
        "-U",
        "postgres",
        "--locale=C",
        "--auth-local=trust",
        "--auth-host=trust",
        "--no-sync");
    Files.writeString(
        pg.resolve("data/pg_hba.conf"),
        "host all all " + targetAddress + "/32 trust\n",
        java.nio.file.StandardOpenOption.APPEND);
    postgres =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns,
                "runuser",
                "-u",
                "postgres",
                "--",
                bin.resolve("postgres").toString(),
                "-D",
                pg.resolve("data").toString(),
                "-c",
                "listen_addresses=" + targetAddress,
                "-p",
                Integer.toString(PG_PORT),
                "-k",
                pg.toString(),
                "-c",
                "fsync=off")
            .directory(pg.toFile())
            .redirectErrorStream(true)
            .redirectOutput(pg.resolve("server.log").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> sql(bin, pg, "select 1").equals("1") || !postgres.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "postgres in the namespace did not answer within 60 s; psql says: "
              + sql(bin, pg, "select 1")
              + "; server log: "
              + logOf(pg),
          e);
    }
    assertThat(postgres.isAlive()).as("postgres log: %s", logOf(pg)).isTrue();
    sql(bin, pg, "create table items (id int primary key, name text)");
    sql(bin, pg, "insert into items values (1, 'one'), (2, 'two'), (3, 'three')");
  }

  private static String logOf(Path pg) throws IOException {
    Path log = pg.resolve("server.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** SQL over the Unix socket (the file system is shared with the namespace; the network not). */
  private static String sql(Path bin, Path pg, String sql) throws Exception {
    Process p =
        new ProcessBuilder(
                "runuser",
                "-u",
                "postgres",
                "--",
                bin.resolve("psql").toString(),
                "-X",
                "-h",
                pg.toString(),
                "-p",
                Integer.toString(PG_PORT),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-At",
                "-c",
                sql)
            // The postgres user may not enter the test's working directory (under /root in CI):
            // psql would say so before its answer.
            .directory(pg.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(30, TimeUnit.SECONDS);
    return p.exitValue() == 0 ? out : "error: " + out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void inNs(String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    run(full.toArray(String[]::new));
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    InputStream in = p.getInputStream();
    String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
  }

  private static void quietly(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // cleaning up: nothing left to do
    }
  }
}
