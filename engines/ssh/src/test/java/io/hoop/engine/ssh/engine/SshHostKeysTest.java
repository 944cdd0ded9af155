package io.hoop.engine.ssh.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.ssh.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker's per-target host keys survive a restart and are kept owner-only. */
class SshHostKeysTest {
  Path dir;

  @BeforeEach
  void dir() throws Exception {
    dir = Files.createTempDirectory("hoop-ssh-hostkeys");
  }

  @AfterEach
  void clean() {
    OpenSshServer.deleteTree(dir);
  }

  @Test
  void aTargetKeepsItsEd25519KeyAcrossRestartsInAnOwnerOnlyFile() throws Exception {
    Path keys = dir.resolve("ssh-host-keys");
    KeyPair first = new SshHostKeys(keys).apply("web-1");
    assertThat(KeyUtils.getKeyType(first)).isEqualTo("ssh-ed25519");
    KeyPair again = new SshHostKeys(keys).apply("web-1");
    assertThat(KeyUtils.compareKeys(first.getPublic(), again.getPublic())).isTrue();
    assertThat(new SshHostKeys(keys).publicKeyLine("web-1")).startsWith("ssh-ed25519 AAAA");
    assertThat(Files.getPosixFilePermissions(keys.resolve("web-1.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(keys))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    KeyPair other = new SshHostKeys(keys).apply("web-2");
    assertThat(KeyUtils.compareKeys(first.getPublic(), other.getPublic())).isFalse();
    try (var files = Files.list(keys)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("web-1.key", "web-2.key");
    }
  }

  @Test
  void namesThatAreNotTargetNamesNeverBecomePaths() {
    SshHostKeys keys = new SshHostKeys(dir.resolve("k"));
    for (String bad : new String[] {"../x", "a/b", "", ".hidden", "A"}) {
      assertThatThrownBy(() -> keys.apply(bad)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(dir.resolve("k")).doesNotExist();
  }
}
