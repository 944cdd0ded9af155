package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.ssh.config.SshTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code type: ssh} targets: the {@code ssh:} section is the ssh engine's, errors name the key. */
class SshTargetConfigTest {
  static final String HOST_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR";

  Path dir;
  Path key;

  @BeforeEach
  void files() throws Exception {
    dir = Files.createTempDirectory("hoop-ssh-target");
    key = dir.resolve("id");
    Files.writeString(
        key, "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void clean() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private String yaml(String type, String ssh) {
    return """
        targets:
          - name: web-1
            type: %s
            address: 10.0.0.5:22
        %s
        """
        .formatted(type, ssh);
  }

  private String section(String keyFile) {
    return """
            ssh:
              hostKeys: ['10.0.0.5 %s']
              roles:
                ops: {user: deploy, privateKeyFile: %s}
        """
        .formatted(HOST_KEY, keyFile)
        .stripTrailing();
  }

  @Test
  void anSshTargetCarriesItsParsedSection() throws Exception {
    TargetConfig t =
        ConfigLoader.parse("t.yaml", yaml("ssh", section(key.toString())), true)
            .target("web-1")
            .orElseThrow();
    assertThat(t.section()).isInstanceOf(SshTarget.class);
    SshTarget ssh = (SshTarget) t.section();
    assertThat(ssh.defaultRole()).isEqualTo("ops");
    assertThat(ssh.roles().get("ops").user()).isEqualTo("deploy");
    assertThat(t.engine()).isEqualTo("ssh");
  }

  @Test
  void errorsNameTheKeyUnderTheTarget() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml("ssh", ""), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: targets[0].ssh: missing");
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", yaml("tcp", section(key.toString())), true))
        .isInstanceOf(ConfigException.class)
        .hasMessage("t.yaml: targets[0].ssh: only allowed on targets of type ssh");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", yaml("ssh", section(key.toString())), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: targets[0].ssh.roles.ops.privateKeyFile: ")
        .hasMessageContaining("0600");
  }
}
