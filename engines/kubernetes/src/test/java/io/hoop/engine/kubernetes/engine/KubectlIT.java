package io.hoop.engine.kubernetes.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.asciicast.CastEvent;
import io.hoop.asciicast.CastReader;
import io.hoop.asciicast.CastRecording;
import io.hoop.engine.http.HttpRequestBlocked;
import io.hoop.engine.kubernetes.exec.KubeExecStep;
import io.hoop.engine.kubernetes.masking.MaskRule;
import io.hoop.engine.kubernetes.testing.FakeApiServer;
import io.hoop.engine.kubernetes.testing.KubeTunnels;
import io.hoop.engine.kubernetes.testing.Kubeconfig;
import io.hoop.engine.kubernetes.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kubectl (Debian's kubernetes-client; {@code KUBECTL} names another binary) through the real
 * tunnel and the kubernetes engine to {@link FakeApiServer}: discovery, get, masked Secrets, a
 * denied read, apply, delete, logs, logs -f cut by a revoke, a watch.
 */
class KubectlIT {
  private static final String TOKEN = "sa-token-ops-0123456789abcdef";
  private static final String PASSWORD = "s3cr3t-hunter2";
  private static final String PASSWORD_B64 =
      Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8));

  @TempDir Path dir;
  private FakeApiServer api;
  private KubeTunnels tunnels;
  private Path kubeconfig;

  @BeforeEach
  void start() throws Exception {
    TestCa ca = TestCa.create(dir);
    api = new FakeApiServer(ca, TOKEN);
    api.put("default", "pods", "web", Map.of());
    api.put("prod", "deployments", "web", Map.of("spec", Map.of("replicas", 1)));
    String applied =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},"
            + "\"stringData\":{\"password\":\""
            + PASSWORD
            + "\"}}";
    api.put(
        "default",
        "secrets",
        "db",
        Map.of(
            "type",
            "Opaque",
            "data",
            Map.of("password", PASSWORD_B64),
            "metadata",
            Map.of(
                "name",
                "db",
                "namespace",
                "default",
                "annotations",
                Map.of("kubectl.kubernetes.io/last-applied-configuration", applied))));
    String appliedConfig =
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"app\"},"
            + "\"data\":{\"owner\":\"ada@example.com\"}}";
    api.put(
        "default",
        "configmaps",
        "app",
        Map.of(
            "metadata",
            Map.of(
                "name",
                "app",
                "namespace",
                "default",
                "annotations",
                Map.of("kubectl.kubernetes.io/last-applied-configuration", appliedConfig)),
            "data",
            Map.of(
                "owner", "ada@example.com",
                "billing", "card 4111 1111 1111 1111 on file",
                "order", "4111 1111 1111 1112",
                "plain", "hello"),
            "binaryData",
            Map.of(
                "contact",
                Base64.getEncoder()
                    .encodeToString("bob@example.org".getBytes(StandardCharsets.UTF_8)))));
    Path token = secret("sa.token", TOKEN + "\n");
    Map<String, Object> ops = new LinkedHashMap<>();
    ops.put("tokenFile", token.toString());
    ops.put("default", "allow");
    ops.put(
        "rules",
        List.of(
            Map.of(
                "action", "review",
                "verbs", List.of("patch"),
                "apiGroups", "apps",
                "resources", "deployments",
                "namespaces", "prod")));
    ops.put(
        "exec",
        Map.of(
            "rules",
            List.of(Map.of("match", "rm *", "action", "deny", "message", "no deleting in pods"))));
    Map<String, Object> viewer = new LinkedHashMap<>();
    viewer.put("tokenFile", token.toString());
    viewer.put("default", "allow");
    viewer.put(
        "rules",
        List.of(
            Map.of(
                "action", "deny",
                "verbs", List.of("get", "list", "watch"),
                "resources", "secrets",
                "message", "viewers do not read secrets")));
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("caFile", ca.caFile().toString());
    section.put("serverName", "localhost");
    section.put("defaultRole", "ops");
    section.put("detectors", List.of("email", "card"));
    section.put(
        "rules",
        List.of(Map.of("action", "deny", "verbs", List.of("delete"), "resources", "namespaces")));
    Path[] adminCert = ca.issueClient(dir, "admin", FakeApiServer.CLIENT_CN, "EC");
    Map<String, Object> admin = new LinkedHashMap<>();
    admin.put("clientCertFile", adminCert[0].toString());
    admin.put("clientKeyFile", adminCert[1].toString());
    admin.put("default", "allow");
    admin.put("maskSecrets", false);
    section.put("roles", Map.of("ops", ops, "viewer", viewer, "admin", admin));
    Path tunnelDir = Files.createDirectories(dir.resolve("tunnel"));
    tunnels = new KubeTunnels(tunnelDir, api.address(), section);
    kubeconfig = dir.resolve("kubeconfig");
    new Kubeconfig("k8s-prod", KubeTunnels.GRANT, tunnels.local().getPort(), "default")
        .write(kubeconfig);
  }

  @AfterEach
  void stop() throws Exception {
    if (tunnels != null) {
      tunnels.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private Path secret(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  @Test
  void getPodsThroughTheTunnelWithTheInjectedToken() throws Exception {
    Kubectl.Result r = kubectl("get", "pods");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("NAME", "web");
    assertThat(api.seen).isNotEmpty().allMatch(s -> ("Bearer " + TOKEN).equals(s.authorization()));
    assertThat(api.seen).anyMatch(s -> s.uri().startsWith("/api/v1/namespaces/default/pods"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                tunnels.events(KubeRequestStep.class).stream()
                    .anyMatch(s -> s.verb().equals("list") && s.resource().equals("pods")));
    KubeRequestStep step =
        tunnels.events(KubeRequestStep.class).stream()
            .filter(s -> s.verb().equals("list") && s.resource().equals("pods"))
            .findFirst()
            .orElseThrow();
    assertThat(step.namespace()).isEqualTo("default");
    assertThat(step.status()).isEqualTo(200);
    assertThat(step.operation()).isEqualTo("list pods -n default");
    assertThat(step.rule()).isEqualTo("default");
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);
  }

  @Test
  void secretDataIsMaskedInYamlAndTheLastAppliedAnnotation() throws Exception {
    Kubectl.Result r = kubectl("get", "secret", "db", "-o", "yaml");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("password: " + MaskRule.BASE64_TEXT)
        .contains(MaskRule.TEXT)
        .doesNotContain(PASSWORD_B64, PASSWORD);
    // the annotation stays JSON that a later apply can merge
    assertThat(r.out()).contains("last-applied-configuration");
    KubeRequestStep step =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    tunnels.events(KubeRequestStep.class).stream()
                        .filter(s -> s.resource().equals("secrets"))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    assertThat(step.verb()).isEqualTo("get");
    assertThat(step.name()).isEqualTo("db");
    assertThat(step.maskedFields()).isEqualTo(2);
    // kubectl asked for protobuf or a table; the API server was asked for JSON only
    assertThat(api.seen)
        .filteredOn(s -> s.uri().contains("/secrets/db"))
        .allMatch(s -> s.accept() != null && !s.accept().contains("protobuf"));

    Kubectl.Result table = kubectl("get", "secrets");
    assertThat(table.exit()).as(table.toString()).isZero();
    assertThat(table.out()).contains("db").doesNotContain(PASSWORD, PASSWORD_B64);
  }

  @Test
  void aViewerIsRefusedSecretsWithAClearMessageAndTheApiServerNeverSeesIt() throws Exception {
    tunnels.role = "viewer";
    Kubectl.Result r = kubectl("get", "secrets");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err())
        .contains("Error from server (Forbidden)")
        .contains("viewers do not read secrets")
        .contains("roles.viewer.rules[0]");
    Kubectl.Result one = kubectl("get", "secret", "db", "-o", "yaml");
    assertThat(one.exit()).isNotZero();
    assertThat(one.out() + one.err()).doesNotContain(PASSWORD_B64).contains("Forbidden");
    assertThat(api.seen).noneMatch(s -> s.uri().contains("secrets"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> tunnels.events(HttpRequestBlocked.class).size() >= 2);
    HttpRequestBlocked blocked = tunnels.events(HttpRequestBlocked.class).get(0);
    assertThat(blocked.rule()).isEqualTo("roles.viewer.rules[0]");
    assertThat(blocked.status()).isEqualTo(403);
    // pods are still fine for the viewer
    assertThat(kubectl("get", "pods").exit()).isZero();
  }

  @Test
  void applyThenDeleteAConfigMapAndNamespaceDeletionIsDeniedForEveryone() throws Exception {
    Path manifest = dir.resolve("cm.yaml");
    Files.writeString(
        manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  mode: blue\n");
    Kubectl.Result applied = kubectl("apply", "--validate=false", "-f", manifest.toString());
    assertThat(applied.exit()).as(applied.toString()).isZero();
    assertThat(applied.out()).contains("configmap/app-config created");
    assertThat(api.get("default", "configmaps", "app-config")).isNotNull();
    assertThat(api.get("default", "configmaps", "app-config").toString())
        .contains("\"mode\":\"blue\"", "last-applied-configuration");

    Kubectl.Result deleted = kubectl("delete", "configmap", "app-config");
    assertThat(deleted.exit()).as(deleted.toString()).isZero();
    assertThat(deleted.out()).contains("configmap \"app-config\" deleted");
    assertThat(api.get("default", "configmaps", "app-config")).isNull();

    Kubectl.Result ns = kubectl("delete", "namespace", "prod");
    assertThat(ns.exit()).isNotZero();
    assertThat(ns.err()).contains("Forbidden", "rules[0]");
    assertThat(api.get("", "namespaces", "prod")).isNotNull();
  }

  @Test
  void configMapValuesGoThroughTheDetectorsInYamlListsAndTheLastAppliedAnnotation()
      throws Exception {
    Kubectl.Result r = kubectl("get", "configmap", "app", "-o", "yaml");
    assertThat(r.exit()).as(r.toString()).isZero();
    String masked = Base64.getEncoder().encodeToString("****".getBytes(StandardCharsets.UTF_8));
    assertThat(r.out())
        .doesNotContain("ada@example.com", "4111 1111 1111 1111")
        .doesNotContain(
            Base64.getEncoder().encodeToString("bob@example.org".getBytes(StandardCharsets.UTF_8)))
        .contains("owner: '****'")
        .contains("billing: card **** on file")
        .contains("order: 4111 1111 1111 1112", "plain: hello")
        .contains("contact: " + masked)
        .contains("last-applied-configuration");
    KubeRequestStep step =
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    tunnels.events(KubeRequestStep.class).stream()
                        .filter(s -> s.resource().equals("configmaps"))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    assertThat(step.maskedFields()).isEqualTo(4);

    Kubectl.Result list = kubectl("get", "configmaps", "-o", "json");
    assertThat(list.exit()).as(list.toString()).isZero();
    assertThat(list.out()).contains("\"owner\": \"****\"").doesNotContain("ada@example.com");
  }

  @Test
  void logsAndAFollowedLogAreMaskedLineByLine() throws Exception {
    Kubectl.Result logs = kubectl("logs", "web");
    assertThat(logs.exit()).as(logs.toString()).isZero();
    assertThat(logs.out())
        .contains("listening on :8080\nlogin by **** from 10.0.0.7\nready")
        .doesNotContain("ada@example.com");

    Kubectl.Running follow = Kubectl.start(dir, kubeconfig, "logs", "-f", "web");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> follow.out().contains("log line 3"));
      assertThat(follow.out()).contains("log line 2 of web user=****\n").doesNotContain("@");
    } finally {
      follow.process().destroyForcibly();
    }
  }

  @Test
  void logsAndAFollowedLogCutByARevokeWithinASecondNamingTheGrant() throws Exception {
    Kubectl.Result logs = kubectl("logs", "web");
    assertThat(logs.exit()).as(logs.toString()).isZero();
    assertThat(logs.out()).contains("listening on :8080");

    Kubectl.Running follow = Kubectl.start(dir, kubeconfig, "logs", "-f", "web");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> follow.out().contains("log line 3"));
      long t0 = System.nanoTime();
      tunnels.harness.tunnels.closeGrant(
          KubeTunnels.GRANT, "grant_revoked", "hoop: grant g-k8s for task OPS-9 was revoked");
      assertThat(follow.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(millis).isLessThan(1000);
      assertThat(follow.out() + follow.err()).contains("grant g-k8s for task OPS-9 was revoked");
    } finally {
      follow.process().destroyForcibly();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> api.openStreams() == 0);
  }

  @Test
  void aWatchOfSecretsStreamsMaskedEvents() throws Exception {
    Kubectl.Running watch = Kubectl.start(dir, kubeconfig, "get", "secrets", "-w", "-o", "json");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> watch.out().contains("\"db\""));
      await().atMost(Duration.ofSeconds(5)).until(() -> api.openStreams() == 1);
      String other = "another-" + PASSWORD;
      api.put(
          "default",
          "secrets",
          "api-key",
          Map.of(
              "data",
              Map.of(
                  "key",
                  Base64.getEncoder().encodeToString(other.getBytes(StandardCharsets.UTF_8)))));
      await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().contains("\"api-key\""));
      String out = watch.out();
      assertThat(out).doesNotContain(PASSWORD, PASSWORD_B64, other);
      assertThat(out.split(MaskRule.BASE64_TEXT, -1).length).isGreaterThanOrEqualTo(3);
    } finally {
      watch.process().destroyForcibly();
      watch.process().waitFor(5, TimeUnit.SECONDS);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                tunnels.events(KubeRequestStep.class).stream()
                    .anyMatch(s -> s.verb().equals("watch") && s.maskedFields() >= 1));
  }

  @Test
  void impersonationIsRefusedBeforeTheApiServer() throws Exception {
    assertThat(kubectl("get", "pods").exit()).isZero(); // discovery cached, as in real use
    int before = api.seen.size();
    Kubectl.Result r = kubectl("get", "pods", "--as=system:admin", "--as-group=system:masters");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("Forbidden", "impersonation is refused");
    assertThat(api.seen).hasSize(before);
  }

  @Test
  void anApiServerTheCaFileDoesNotVouchForIsNeverSentTheToken() throws Exception {
    tunnels.close();
    TestCa other = TestCa.create(Files.createDirectories(dir.resolve("other-ca")));
    Map<String, Object> ops = new LinkedHashMap<>();
    ops.put("tokenFile", dir.resolve("sa.token").toString());
    ops.put("default", "allow");
    tunnels =
        new KubeTunnels(
            Files.createDirectories(dir.resolve("tunnel2")),
            api.address(),
            Map.of(
                "caFile", other.caFile().toString(),
                "serverName", "localhost",
                "roles", Map.of("ops", ops)));
    new Kubeconfig("k8s-prod", KubeTunnels.GRANT, tunnels.local().getPort(), null)
        .write(kubeconfig);
    Kubectl.Result r = kubectl("get", "pods");
    assertThat(r.exit()).isNotZero();
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);
    assertThat(api.seen).isEmpty();
    // kubectl 1.20 prints the Status message; newer ones may only say "unknown": the record says
    // why
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                tunnels.events(KubeRequestStep.class).stream()
                    .anyMatch(
                        s -> s.status() == 502 && s.error().contains("checked against caFile")));
  }

  @Test
  void anExecCommandTheRulesDenyIsRefusedBeforeTheUpgrade() throws Exception {
    Kubectl.Result r = kubectl("exec", "web", "--", "rm", "-rf", "/data");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("no deleting in pods");
    assertThat(api.seen).noneMatch(s -> s.uri().contains("/exec"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                tunnels.events(HttpRequestBlocked.class).stream()
                    .anyMatch(b -> b.target().contains("/exec") && b.status() == 403));
  }

  @Test
  void aPatchOfAProductionDeploymentWaitsForReviewThenRunsOnce() throws Exception {
    java.util.List<io.hoop.tunnel.engine.Holds.HoldRequest> held =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean approve =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    tunnels.holds =
        request -> {
          held.add(request);
          return java.util.concurrent.CompletableFuture.completedFuture(
              new io.hoop.tunnel.engine.Holds.Hold() {
                @Override
                public String id() {
                  return "h-" + held.size();
                }

                @Override
                public String notice() {
                  return "held";
                }

                @Override
                public java.util.concurrent.CompletionStage<io.hoop.tunnel.engine.Holds.Decision>
                    decision() {
                  return java.util.concurrent.CompletableFuture.completedFuture(
                      new io.hoop.tunnel.engine.Holds.Decision(
                          approve.get(), "bob", approve.get() ? "ok" : "not today"));
                }

                @Override
                public void cancel() {}
              });
        };
    Kubectl.Result r =
        kubectl(
            "-n",
            "prod",
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            "{\"spec\":{\"replicas\":3}}");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(api.get("prod", "deployments", "web").path("spec").path("replicas").asInt())
        .isEqualTo(3);
    assertThat(held).hasSize(1);
    assertThat(held.get(0).rule()).isEqualTo("roles.ops.rules[0]");
    assertThat(held.get(0).operation())
        .startsWith("PATCH /apis/apps/v1/namespaces/prod/deployments/web");

    approve.set(false);
    Kubectl.Result refused =
        kubectl(
            "-n",
            "prod",
            "patch",
            "deployment",
            "web",
            "--type=merge",
            "-p",
            "{\"spec\":{\"replicas\":9}}");
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("Forbidden", "not approved by bob: not today");
    assertThat(api.get("prod", "deployments", "web").path("spec").path("replicas").asInt())
        .isEqualTo(3);
  }

  @Test
  void aWatchCutByARevokeEndsWithAnErrorNamingTheGrant() throws Exception {
    Kubectl.Running watch = Kubectl.start(dir, kubeconfig, "get", "pods", "-w", "-o", "json");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> watch.out().contains("\"web\""));
      await().atMost(Duration.ofSeconds(5)).until(() -> api.openStreams() == 1);
      long t0 = System.nanoTime();
      tunnels.harness.tunnels.closeGrant(
          KubeTunnels.GRANT, "grant_revoked", "hoop: grant g-k8s for task OPS-9 was revoked");
      assertThat(watch.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
      assertThat(watch.out() + watch.err()).contains("grant g-k8s for task OPS-9 was revoked");
    } finally {
      watch.process().destroyForcibly();
    }
  }

  @Test
  void aClientCertificateRolePresentsItsCertificateAndMayReadSecretsUnmasked() throws Exception {
    tunnels.role = "admin";
    Kubectl.Result r = kubectl("get", "secret", "db", "-o", "yaml");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("password: " + PASSWORD_B64);
    assertThat(api.seen)
        .isNotEmpty()
        .allMatch(s -> ("cert:" + FakeApiServer.CLIENT_CN).equals(s.authorization()));
  }

  @Test
  void execRunsTheCommandInThePodAndReturnsItsOutput() throws Exception {
    Kubectl.Result r = kubectl("exec", "web", "--", "echo", "hi", "there");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("hi there\n");
    assertThat(api.sessions).contains("start exec [echo, hi, there]", "end exec [echo, hi, there]");
    assertThat(api.seen)
        .filteredOn(s -> s.uri().contains("/exec"))
        .singleElement()
        .satisfies(s -> assertThat(s.authorization()).isEqualTo("Bearer " + TOKEN));
    KubeExecStep step = execStep();
    assertThat(step.kind()).isEqualTo("exec");
    assertThat(step.pod()).isEqualTo("web");
    assertThat(step.namespace()).isEqualTo("default");
    assertThat(step.command()).containsExactly("echo", "hi", "there");
    assertThat(step.exitCode()).isZero();
    assertThat(step.tty()).isFalse();
    assertThat(step.recorded()).isTrue();
    assertThat(step.error()).isEmpty();
    assertThat(step.operation()).isEqualTo("exec web -n default: 'echo' 'hi' 'there'");
    CastRecording cast = onlyCast();
    assertThat(output(cast)).isEqualTo("hi there\n");
    assertThat(cast.header().title()).contains("k8s-prod", "g-k8s", "exec web");
  }

  @Test
  void execWithStdinAndANonZeroExitCode() throws Exception {
    Kubectl.Result r =
        Kubectl.run(
            dir,
            kubeconfig,
            "first line\nsecond line\n",
            "exec",
            "-i",
            "web",
            "--",
            "sh",
            "-c",
            "tr a-z A-Z; echo oops >&2; exit 3");
    assertThat(r.exit()).as(r.toString()).isEqualTo(3);
    assertThat(r.out()).isEqualTo("FIRST LINE\nSECOND LINE\n");
    assertThat(r.err()).contains("oops").contains("command terminated with exit code 3");
    KubeExecStep step = execStep();
    assertThat(step.exitCode()).isEqualTo(3);
    assertThat(step.command()).containsExactly("sh", "-c", "tr a-z A-Z; echo oops >&2; exit 3");
    // output and errors are recorded; input without a terminal is not
    String out = output(onlyCast());
    assertThat(out).contains("FIRST LINE", "oops").doesNotContain("first line");
    assertThat(onlyCast().events()).noneMatch(e -> e.type().equals("i"));
  }

  @Test
  void anInteractiveExecUnderATerminal() throws Exception {
    Kubectl.Running it = interactive("exec", "-it", "web", "--", "cat");
    try (java.io.OutputStream keys = it.process().getOutputStream()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> api.sessions.contains("start exec [cat]"));
      Thread.sleep(300); // kubectl puts its terminal in raw mode once the streams are open
      keys.write("hello pod\r".getBytes(StandardCharsets.UTF_8));
      keys.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> count(it.out(), "hello pod") >= 2);
      keys.write(4); // Ctrl-D: the pod's terminal ends cat's input
      keys.flush();
      assertThat(it.process().waitFor(20, TimeUnit.SECONDS)).as(it.err()).isTrue();
    } finally {
      it.process().destroyForcibly();
    }
    assertThat(it.process().exitValue()).as(it.out() + it.err()).isZero();
    assertThat(api.sessions).contains("end exec [cat]");
    KubeExecStep step = execStep();
    assertThat(step.tty()).isTrue();
    assertThat(step.exitCode()).isZero();
    CastRecording cast = onlyCast();
    // the pod's terminal echoed the keys and cat repeated the line: both are output; the typed
    // keys are input events because the terminal echoed them
    assertThat(count(output(cast), "hello pod")).isEqualTo(2);
    assertThat(cast.events())
        .filteredOn(e -> e.type().equals("i"))
        .extracting(CastEvent::data)
        .anyMatch(d -> d.contains("hello pod"));
  }

  @Test
  void attachPrintsTheProcessOutputAndCarriesStdin() throws Exception {
    tunnels.role = "admin";
    Kubectl.Result r = kubectl("attach", "web");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("attached to container app");
    Kubectl.Result in = Kubectl.run(dir, kubeconfig, "ping 1\n", "attach", "-i", "web");
    assertThat(in.exit()).as(in.toString()).isZero();
    assertThat(in.out()).contains("attached to container app", "ping 1");
    assertThat(api.sessions).contains("start attach []", "end attach []");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> tunnels.events(KubeExecStep.class).size() >= 2);
    assertThat(tunnels.events(KubeExecStep.class))
        .allSatisfy(
            st -> {
              assertThat(st.kind()).isEqualTo("attach");
              assertThat(st.exitCode()).isZero();
              assertThat(st.recorded()).isTrue();
            });
  }

  @Test
  void attachIsDeniedWhereTheRoleHasExecCommandRules() throws Exception {
    Kubectl.Result r = kubectl("attach", "web");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("Forbidden", "denied: attach to web", "exec command rules");
    assertThat(api.seen).noneMatch(s -> s.uri().contains("/attach"));
  }

  @Test
  void portForwardCarriesBytesBothWays() throws Exception {
    Kubectl.Running pf = Kubectl.start(dir, kubeconfig, "port-forward", "pod/web", ":8080");
    try {
      java.util.regex.Pattern forwarding =
          java.util.regex.Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");
      String out =
          await().atMost(Duration.ofSeconds(20)).until(pf::out, o -> forwarding.matcher(o).find());
      java.util.regex.Matcher m = forwarding.matcher(out);
      assertThat(m.find()).isTrue();
      int port = Integer.parseInt(m.group(1));
      byte[] sent = new byte[200_000];
      new java.util.Random(7).nextBytes(sent);
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        Thread writer =
            new Thread(
                () -> {
                  try {
                    s.getOutputStream().write(sent);
                    s.getOutputStream().flush();
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        writer.start();
        byte[] back = s.getInputStream().readNBytes(sent.length);
        writer.join();
        assertThat(back).isEqualTo(sent);
      }
      synchronized (api.echoed) {
        assertThat(api.echoed.toByteArray()).isEqualTo(sent);
      }
    } finally {
      pf.process().destroy();
      pf.process().waitFor(5, TimeUnit.SECONDS);
      pf.process().destroyForcibly();
    }
  }

  @Test
  void anExecCutByARevokeEndsWithinASecondWithAnErrorNamingTheGrant() throws Exception {
    Kubectl.Running exec = Kubectl.start(dir, kubeconfig, "exec", "web", "--", "sleep", "30");
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> api.sessions.contains("start exec [sleep, 30]"));
      long t0 = System.nanoTime();
      tunnels.harness.tunnels.closeGrant(
          KubeTunnels.GRANT, "grant_revoked", "hoop: grant g-k8s for task OPS-9 was revoked");
      assertThat(exec.process().waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
      assertThat(exec.process().exitValue()).isNotZero();
      assertThat(exec.err()).contains("grant g-k8s for task OPS-9 was revoked");
    } finally {
      exec.process().destroyForcibly();
    }
    KubeExecStep step = execStep();
    assertThat(step.error()).isEqualTo("cut: hoop: grant g-k8s for task OPS-9 was revoked");
    assertThat(step.exitCode()).isNull();
  }

  @Test
  void anExecOverWebSocketIsRefusedBecauseItCannotBeRecorded() throws Exception {
    String answer =
        raw(
            "POST /api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true HTTP/1.1\r\n"
                + "Host: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n",
            null);
    assertThat(answer).startsWith("HTTP/1.1 403").contains("exec.recording", "SPDY/3.1");
    assertThat(api.seen).noneMatch(s -> s.uri().contains("/exec"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                tunnels.events(HttpRequestBlocked.class).stream()
                    .anyMatch(b -> b.rule().equals("exec.recording")));
  }

  @Test
  void anExecSessionHoopCannotReadIsCutAndTheCutAudited() throws Exception {
    // a SPDY/2 control frame where SPDY/3.1 was agreed: the recorder cannot follow it
    byte[] garbage = {(byte) 0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1};
    String answer =
        raw(
            "POST /api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true"
                + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n",
            garbage);
    assertThat(answer).startsWith("HTTP/1.1 101");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                tunnels.events(HttpRequestBlocked.class).stream()
                    .anyMatch(b -> b.reason().contains("cannot be followed")));
    KubeExecStep step = execStep();
    assertThat(step.error()).contains("cut", "SPDY");
    assertThat(step.exitCode()).isNull();
  }

  /**
   * Sends {@code head} through the tunnel, then {@code after} once an answer's head arrived; the
   * text until the connection ends (at most 10 s).
   */
  private String raw(String head, byte[] after) throws Exception {
    java.net.InetSocketAddress local = tunnels.local();
    try (java.net.Socket s = new java.net.Socket(local.getAddress(), local.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      java.io.InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      boolean sent = after == null;
      for (int n; ; ) {
        try {
          n = in.read(buf);
        } catch (java.net.SocketException e) {
          break;
        }
        if (n < 0) {
          break;
        }
        got.write(buf, 0, n);
        if (!sent && got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
          s.getOutputStream().write(after);
          s.getOutputStream().flush();
          sent = true;
        }
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The one exec or attach step the test's session reported. */
  private KubeExecStep execStep() {
    return await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> tunnels.events(KubeExecStep.class), l -> l.size() == 1)
        .get(0);
  }

  /** The test's only recording, as {@code hoop sessions replay} reads it. */
  private CastRecording onlyCast() throws Exception {
    Path recordings = dir.resolve("tunnel").resolve("recordings");
    try (java.util.stream.Stream<Path> files = Files.list(recordings)) {
      List<Path> casts = files.filter(p -> p.toString().endsWith(".cast")).toList();
      assertThat(casts).hasSize(1);
      String session = casts.get(0).getFileName().toString().replace(".cast", "");
      assertThat(tunnels.casts.file(session)).contains(casts.get(0));
      assertThat(Files.getPosixFilePermissions(casts.get(0)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      return CastReader.read(Files.readString(casts.get(0)));
    }
  }

  private static String output(CastRecording cast) {
    StringBuilder s = new StringBuilder();
    for (CastEvent e : cast.events()) {
      if (e.type().equals("o")) {
        s.append(e.data());
      }
    }
    return s.toString();
  }

  /** kubectl under {@code script}, so its standard input is a terminal (raw mode, -t). */
  private Kubectl.Running interactive(String... args) throws Exception {
    StringBuilder line = new StringBuilder();
    for (String a : Kubectl.command(dir, kubeconfig, args)) {
      line.append('\'').append(a.replace("'", "'\\''")).append("' ");
    }
    return Kubectl.start(
        dir,
        List.of("script", "-q", "-e", "-c", line.toString(), "/dev/null"),
        ProcessBuilder.Redirect.PIPE);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private Kubectl.Result kubectl(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    return Kubectl.run(dir, kubeconfig, all);
  }
}
