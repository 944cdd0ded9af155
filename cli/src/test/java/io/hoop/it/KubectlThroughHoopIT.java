package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.kubernetes.testing.FakeApiServer;
import io.hoop.engine.kubernetes.testing.TestCa;
import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kubectl through {@code hoop connect} end to end: a broker with a kubernetes target in front of
 * {@link FakeApiServer}, the real hoop CLI in-process, and real kubectl ({@code KUBECTL}, else
 * {@code kubectl} on the PATH) run in wrap mode with the KUBECONFIG hoop wrote for the grant.
 */
class KubectlThroughHoopIT {
  private static final String TOKEN = "sa-token-hoop-cli-0123456789";
  private static final String PASSWORD = "cli-s3cr3t-hunter2";

  static FakeApiServer api;
  static BrokerFixture broker;
  static Path home;

  @BeforeAll
  static void start() throws Exception {
    home = Files.createTempDirectory("hoop-kubecli-it-");
    TestCa ca = TestCa.create(home);
    api = new FakeApiServer(ca, TOKEN);
    api.put("default", "pods", "web", Map.of());
    api.put(
        "default",
        "secrets",
        "db",
        Map.of(
            "data",
            Map.of(
                "password",
                Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)))));
    Path token = home.resolve("sa.token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
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
              - name: k8s-prod
                type: kubernetes
                address: 127.0.0.1:%1$d
                reviewers: [ops-leads]
                kubernetes:
                  caFile: %2$s
                  serverName: localhost
                  defaultRole: ops
                  roles:
                    ops:
                      tokenFile: %3$s
                      default: allow
                    viewer:
                      tokenFile: %3$s
                      default: allow
                      rules:
                        - {action: deny, resources: secrets, message: viewers do not read secrets}
            entitlements:
              - group: engineering
                targets: [k8s-prod]
                reviewedBy: bob
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(api.address().getPort(), ca.caFile(), token));
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
    if (api != null) {
      api.close();
    }
    if (home != null) {
      OpenSshServer.deleteTree(home);
    }
  }

  private static Map<String, String> env() {
    Map<String, String> env = HoopCli.env(home.resolve("cfg"));
    env.put("HOME", home.toString());
    env.put("XDG_RUNTIME_DIR", home.toString());
    env.remove("KUBECONFIG");
    return env;
  }

  private static String kubectl() {
    String env = System.getenv("KUBECTL");
    return env == null || env.isBlank() ? "kubectl" : env;
  }

  @Test
  void wrapModeRunsKubectlWithTheGrantsKubeconfig() throws Exception {
    Path out = home.resolve("wrap-out.txt");
    Path seenConfig = home.resolve("wrap-kubeconfig.txt");
    Run r =
        HoopCli.run(
            env(),
            null,
            "connect",
            "k8s-prod",
            "--task",
            "K8S-1",
            "--",
            "sh",
            "-c",
            "cp \"$KUBECONFIG\" \"$3\" && ls -l \"$KUBECONFIG\" > \"$2\" &&"
                + " \"$1\" get pods >> \"$2\" 2>&1 && \"$1\" get secret db -o yaml >> \"$2\" 2>&1",
            "sh",
            kubectl(),
            out.toString(),
            seenConfig.toString());
    String text = Files.readString(out);
    assertThat(r.code()).as(r.err() + text).isZero();
    assertThat(r.err()).contains("kubectl reaches the target through KUBECONFIG");
    assertThat(text).startsWith("-rw-------").contains("web").contains("aG9vcDptYXNrZWQ=");
    assertThat(text).doesNotContain(PASSWORD, TOKEN);
    String config = Files.readString(seenConfig);
    assertThat(config)
        .contains("server: http://127.0.0.1:")
        .containsPattern("current-context: hoop-k8s-prod-\\S+")
        .doesNotContain(TOKEN, "token:", "client-key");
    assertThat(api.seen).allMatch(s -> ("Bearer " + TOKEN).equals(s.authorization()));
    try (var list = Files.list(home)) {
      assertThat(list.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("hoop-kube-"));
    }
  }

  @Test
  void aViewerGrantIsRefusedSecretsWithTheRuleNamed() throws Exception {
    Path out = home.resolve("viewer-out.txt");
    Run r =
        HoopCli.run(
            env(),
            null,
            "connect",
            "k8s-prod",
            "--task",
            "K8S-2",
            "--role",
            "viewer",
            "--",
            "sh",
            "-c",
            "\"$1\" get secrets > \"$2\" 2>&1",
            "sh",
            kubectl(),
            out.toString());
    String text = Files.readString(out);
    assertThat(r.code()).as(r.err() + text).isNotZero();
    assertThat(text)
        .contains("Error from server (Forbidden)", "viewers do not read secrets")
        .doesNotContain(PASSWORD);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(BrokerJson.events(broker, null))
                    .filteredOn(
                        e -> "kubernetes.denied".equals(e.type()) && "K8S-2".equals(e.task()))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.principal()).isEqualTo("alice"))
                    .anySatisfy(
                        e -> assertThat(e.details().toString()).contains("secrets", "rules[0]")));
  }

  @Test
  void execRunsKubectlHereWithTheGrantsKubeconfigAndReturnsItsStatus() throws Exception {
    Path out = home.resolve("exec-out.txt");
    Run r =
        HoopCli.run(
            env(),
            null,
            "exec",
            "k8s-prod",
            "--task",
            "K8S-3",
            "--",
            "sh",
            "-c",
            "\"$1\" get pods > \"$2\" 2>&1; exit 7",
            "sh",
            kubectl(),
            out.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(7);
    assertThat(Files.readString(out)).contains("web");
    assertThat(r.err()).contains("released (hoop exec finished)");
    try (var list = Files.list(home)) {
      assertThat(list.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("hoop-kube-"));
    }
  }
}
