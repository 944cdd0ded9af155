package io.hoop.engine.kubernetes.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.kubernetes.policy.KubeGuard;
import io.hoop.engine.kubernetes.testing.TestCa;
import io.hoop.engine.ssh.policy.Action;
import io.hoop.tunnel.engine.TargetKind.SectionException;
import io.hoop.tunnel.engine.TargetKind.TargetPlace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubernetes section: the example config, then each kind of mistake named by its key. */
class KubernetesTargetKindTest {
  private static final TargetPlace PLACE =
      new TargetPlace("targets[3]", "k8s-prod", "127.0.0.1", 6443, null);
  private Path dir;
  private TestCa ca;
  private Path token;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("hoop-k8s-config");
    ca = TestCa.create(dir);
    token = secret("viewer.token", "eyJhbGciOi.token.sig\n");
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private Path secret(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  private Map<String, Object> example() {
    Map<String, Object> viewer = new LinkedHashMap<>();
    viewer.put("tokenFile", token.toString());
    viewer.put("default", "allow");
    viewer.put(
        "rules",
        List.of(
            Map.of("action", "deny", "resources", List.of("pods/exec"), "namespaces", "prod*"),
            Map.of(
                "action", "deny",
                "verbs", List.of("get", "list", "watch"),
                "resources", "secrets",
                "namespaces", List.of("prod*"),
                "message", "no secrets in production"),
            Map.of(
                "action", "review",
                "verbs", "patch",
                "apiGroups", "apps",
                "resources", "deployments",
                "namespaces", "prod")));
    viewer.put("exec", Map.of("rules", List.of(Map.of("match", "rm *", "action", "deny"))));
    Map<String, Object> admin = new LinkedHashMap<>();
    admin.put("clientCertFile", ca.serverCertFile().toString());
    admin.put("clientKeyFile", ca.serverKeyFile().toString());
    admin.put("default", "allow");
    admin.put("maskSecrets", false);
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("caFile", ca.caFile().toString());
    section.put("defaultRole", "viewer");
    section.put(
        "rules",
        List.of(Map.of("action", "deny", "verbs", List.of("delete"), "resources", "namespaces")));
    section.put("roles", new LinkedHashMap<>(Map.of("viewer", viewer, "admin", admin)));
    return section;
  }

  private KubernetesSection parse(Object raw) throws SectionException {
    return (KubernetesSection) new KubernetesTargetKind().parse(PLACE, raw);
  }

  @Test
  void theExampleParses() throws SectionException {
    KubernetesSection s = parse(example());
    assertThat(s.engine()).isEqualTo("kubernetes");
    assertThat(s.roleNames()).containsExactly("admin", "viewer");
    assertThat(s.defaultRole()).isEqualTo("viewer");
    KubeRole viewer = s.role("viewer");
    assertThat(viewer.maskSecrets()).isTrue();
    assertThat(viewer.credential()).isEqualTo(new KubeCredential.TokenFile(token));
    assertThat(s.role("admin").maskSecrets()).isFalse();
    assertThat(s.role("admin").credential()).isInstanceOf(KubeCredential.ClientCertificate.class);
    assertThat(viewer.policy().rules()).hasSize(4);
    assertThat(viewer.policy().rules().get(0).id()).isEqualTo("rules[0]");
    assertThat(viewer.policy().rules().get(2).id()).isEqualTo("roles.viewer.rules[1]");

    var p = viewer.policy();
    assertThat(decide("GET", "/api/v1/namespaces/prod/secrets", null, p).message())
        .startsWith("denied: no secrets in production");
    assertThat(decide("DELETE", "/api/v1/namespaces/dev", null, p).rule()).isEqualTo("rules[0]");
    assertThat(decide("DELETE", "/api/v1/namespaces/dev", null, s.role("admin").policy()).rule())
        .isEqualTo("rules[0]");
    assertThat(decide("PATCH", "/apis/apps/v1/namespaces/prod/deployments/x", null, p).action())
        .isEqualTo(Action.REVIEW);
    assertThat(
            decide("POST", "/api/v1/namespaces/dev/pods/w/exec", "command=rm&command=x", p).rule())
        .isEqualTo("exec.rules[0]");
    assertThat(decide("GET", "/api/v1/namespaces/dev/pods", null, p).action())
        .isEqualTo(Action.ALLOW);
  }

  private static io.hoop.engine.ssh.policy.Decision decide(
      String m, String path, String q, io.hoop.engine.kubernetes.policy.KubePolicy p) {
    return KubeGuard.decide(m, path, q, List.of(), p).decision();
  }

  @Test
  void defaultIsDeny() throws SectionException {
    Map<String, Object> raw = example();
    roles(raw).put("plain", Map.of("tokenFile", token.toString()));
    KubernetesSection s = parse(raw);
    assertThat(s.role("plain").policy().defaultAction()).isEqualTo(Action.DENY);
    assertThat(decide("GET", "/api/v1/pods", null, s.role("plain").policy()).rule())
        .isEqualTo("default");
    assertThat(decide("GET", "/version", null, s.role("plain").policy()).action())
        .isEqualTo(Action.ALLOW);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> roles(Map<String, Object> raw) {
    return (Map<String, Object>) raw.get("roles");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> viewer(Map<String, Object> raw) {
    Map<String, Object> v = new LinkedHashMap<>((Map<String, Object>) roles(raw).get("viewer"));
    roles(raw).put("viewer", v);
    return v;
  }

  private void refused(Map<String, Object> raw, String key) {
    assertThatThrownBy(() -> parse(raw))
        .isInstanceOf(SectionException.class)
        .hasMessageStartingWith(key + ":")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("eyJhbGciOi"));
  }

  @Test
  void errorsNameTheKey() throws IOException {
    Map<String, Object> raw = example();
    raw.remove("caFile");
    refused(raw, "targets[3].kubernetes.caFile");

    raw = example();
    raw.put("caFile", token.toString());
    refused(raw, "targets[3].kubernetes.caFile");

    raw = example();
    raw.put("insecureSkipTlsVerify", true);
    refused(raw, "targets[3].kubernetes.insecureSkipTlsVerify");

    raw = example();
    raw.put("defaultRole", "nobody");
    refused(raw, "targets[3].kubernetes.defaultRole");

    raw = example();
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    refused(raw, "targets[3].kubernetes.roles.viewer.tokenFile");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));

    raw = example();
    viewer(raw).put("tokenFile", secret("two.token", "a b\n").toString());
    refused(raw, "targets[3].kubernetes.roles.viewer.tokenFile");

    raw = example();
    viewer(raw).put("clientKeyFile", ca.serverKeyFile().toString());
    refused(raw, "targets[3].kubernetes.roles.viewer");

    raw = example();
    viewer(raw).remove("tokenFile");
    refused(raw, "targets[3].kubernetes.roles.viewer.clientCertFile");

    raw = example();
    viewer(raw).put("default", "review");
    refused(raw, "targets[3].kubernetes.roles.viewer.default");

    raw = example();
    viewer(raw).put("maskSecrets", "no");
    refused(raw, "targets[3].kubernetes.roles.viewer.maskSecrets");

    raw = example();
    viewer(raw).put("rules", List.of(Map.of("action", "deny", "verbs", "remove")));
    refused(raw, "targets[3].kubernetes.roles.viewer.rules[0].verbs");

    raw = example();
    viewer(raw).put("rules", List.of(Map.of("verbs", "get")));
    refused(raw, "targets[3].kubernetes.roles.viewer.rules[0].action");

    raw = example();
    viewer(raw).put("rules", List.of(Map.of("action", "deny", "resources", "Secrets")));
    refused(raw, "targets[3].kubernetes.roles.viewer.rules[0].resources");

    raw = example();
    viewer(raw).put("rules", List.of(Map.of("action", "deny", "paths", "/x", "resources", "pods")));
    refused(raw, "targets[3].kubernetes.roles.viewer.rules[0].paths");

    raw = example();
    viewer(raw).put("rules", List.of(Map.of("action", "deny", "resource", "pods")));
    refused(raw, "targets[3].kubernetes.roles.viewer.rules[0].resource");

    raw = example();
    viewer(raw).put("exec", Map.of("rules", List.of(Map.of("regex", "(", "action", "deny"))));
    refused(raw, "targets[3].kubernetes.roles.viewer.exec.rules[0].regex");

    raw = example();
    roles(raw).put("Bad Role", Map.of("tokenFile", token.toString()));
    refused(raw, "targets[3].kubernetes.roles.Bad Role");
  }

  @Test
  void contentDetectorsParseLikeTheHttpSectionAndErrorsNameTheKey() throws SectionException {
    assertThat(parse(example()).detectors().active()).isFalse();
    Map<String, Object> raw = example();
    raw.put("detectors", List.of("email", "card", "ssn"));
    raw.put("detectorStyle", "partial");
    raw.put(
        "customDetectors",
        List.of(Map.of("name", "employee-id", "pattern", "E-[0-9]{6}", "validator", "none")));
    KubernetesSection s = parse(raw);
    assertThat(s.detectors().detectors())
        .extracting(io.hoop.detect.Detector::id)
        .containsExactly("email", "payment-card", "us-ssn", "employee-id");
    assertThat(s.detectors().style()).isEqualTo(io.hoop.engine.http.config.MaskStyle.PARTIAL);
    raw.put("detectors", List.of("mail"));
    assertThatThrownBy(() -> parse(raw))
        .hasMessageStartingWith("targets[3].kubernetes.detectors[0]: 'mail' is not a content");
    raw.put("detectors", List.of());
    raw.put("customDetectors", List.of(Map.of("name", "x", "pattern", "(?=a)")));
    assertThatThrownBy(() -> parse(raw))
        .hasMessageStartingWith("targets[3].kubernetes.customDetectors[0].pattern:");
  }

  @Test
  void refusesOtherEnginesAndAMissingSection() {
    assertThatThrownBy(
            () ->
                new KubernetesTargetKind()
                    .parse(new TargetPlace("targets[3]", "k", "h", 1, "tcp"), example()))
        .hasMessageStartingWith("targets[3].engine:");
    assertThatThrownBy(() -> parse(null)).hasMessageStartingWith("targets[3].kubernetes:");
    assertThatThrownBy(() -> parse(List.of())).hasMessageStartingWith("targets[3].kubernetes:");
  }
}
