package io.hoop.cli.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.HoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeAccessTest {
  @TempDir Path runtime;

  private static Grant grant(String target, String type) {
    Instant now = Instant.parse("2026-12-07T10:00:00Z");
    return new Grant(
        "g-4f2k9x",
        target,
        type,
        "viewer",
        "alice",
        "OPS-9",
        "",
        GrantStatus.APPROVED,
        "",
        now,
        now,
        now.plusSeconds(3600),
        "grant-token-never-written",
        "policy",
        List.of(),
        0,
        List.of());
  }

  @Test
  void writesAPrivateKubeconfigWithoutCredentialAndRemovesItOnClose() throws Exception {
    Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
    Path file;
    try (KubeAccess kube = KubeAccess.prepare(grant("k8s-prod", "kubernetes"), 40123, env)) {
      file = kube.kubeconfig();
      assertThat(file.getParent().getParent()).isEqualTo(runtime);
      assertThat(file.getParent().getFileName().toString()).startsWith("hoop-kube-");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
          .isEqualTo("rwx------");
      String yaml = Files.readString(file);
      assertThat(yaml)
          .contains("server: http://127.0.0.1:40123\n")
          .contains("current-context: hoop-k8s-prod-g-4f2k9x\n")
          .contains("  user: {}\n")
          .doesNotContain("grant-token-never-written", "token:", "client-key", "password");
      assertThat(kube.context()).isEqualTo("hoop-k8s-prod-g-4f2k9x");
      assertThat(kube.lines()).contains("  export KUBECONFIG=" + file);
      assertThat(kube.environment()).containsEntry("KUBECONFIG", file.toString());
      assertThat(kube.json()).containsEntry("kubeconfig", file.toString());
    }
    assertThat(file).doesNotExist();
    assertThat(file.getParent()).doesNotExist();
  }

  @Test
  void otherTargetTypesGetNone() {
    Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString());
    assertThat(KubeAccess.prepare(grant("prod-db", "postgres"), 1, env)).isNull();
    assertThat(KubeAccess.prepare(grant("web-1", "ssh"), 1, env)).isNull();
  }

  @Test
  void namesThatCouldBreakTheYamlAreRefused() {
    for (String target : List.of("a\nb: c", "x y", "-flag", "a:b", "\"q\"", "")) {
      assertThatThrownBy(() -> KubeAccess.context(target, "g-1"))
          .isInstanceOf(HoopException.class)
          .hasMessageContaining("cannot name a kubeconfig context");
    }
  }
}
