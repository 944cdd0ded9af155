package io.hoop.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.HoopException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshFilesTest {
  static final String HOST_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl broker";

  @TempDir Path tmp;

  private Map<String, String> env() {
    return Map.of("XDG_RUNTIME_DIR", tmp.toString());
  }

  @Test
  void keyFilesArePrivateAndRemovedOnClose() throws Exception {
    EphemeralKey key = EphemeralKey.generate();
    Path dir;
    try (SshFiles f = SshFiles.write(key, "web-1", HOST_KEY, "deploy", 40022, env())) {
      dir = f.directory();
      assertThat(dir.getParent()).isEqualTo(tmp);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      for (Path p : new Path[] {f.identity(), f.knownHosts(), f.config()}) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .as(p.toString())
            .isEqualTo("rw-------");
      }
      assertThat(Files.readString(f.knownHosts()))
          .isEqualTo(
              "[127.0.0.1]:40022,web-1 ssh-ed25519"
                  + " AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
      assertThat(Files.readString(f.config()))
          .startsWith("Host web-1\n  HostName 127.0.0.1\n  Port 40022\n  User deploy\n")
          .contains("  IdentityFile \"" + f.identity() + "\"\n")
          .contains("  UserKnownHostsFile \"" + f.knownHosts() + "\"\n")
          .contains("  IdentitiesOnly yes\n  ")
          .contains("StrictHostKeyChecking yes")
          .endsWith("Host *\n  Include ~/.ssh/config\n");
      // OpenSSH reads the private key and derives the public half hoop sends in the handshake.
      Process p =
          new ProcessBuilder("ssh-keygen", "-y", "-f", f.identity().toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out.strip()).startsWith(key.publicKey());
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void everyGrantGetsANewKey() {
    assertThat(EphemeralKey.generate().publicKey())
        .startsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5")
        .isNotEqualTo(EphemeralKey.generate().publicKey());
    assertThat(EphemeralKey.generate().toString()).contains("<redacted>").doesNotContain("PRIVATE");
  }

  @Test
  void oddTargetNamesGetASafeAlias() {
    assertThat(SshConfigText.alias("web-1")).isEqualTo("web-1");
    assertThat(SshConfigText.alias("db.prod_2")).isEqualTo("db.prod_2");
    // Pattern characters, spaces, negation, a leading dash or dot, non-ASCII: never taken as-is.
    assertThat(SshConfigText.alias("*")).isEqualTo("hoop-_");
    assertThat(SshConfigText.alias("web *")).isEqualTo("hoop-web__");
    assertThat(SshConfigText.alias("!web")).isEqualTo("hoop-_web");
    assertThat(SshConfigText.alias("-oProxyCommand=x")).isEqualTo("hoop--oProxyCommand_x");
    assertThat(SshConfigText.alias(".hidden")).isEqualTo("hoop-.hidden");
    assertThat(SshConfigText.alias("wéb,x")).isEqualTo("hoop-w_b_x");
    assertThat(SshConfigText.alias("a\nHost *")).isEqualTo("hoop-a_Host__");
    assertThat(SshConfigText.user("root;rm")).isEqualTo("hoop");
    assertThat(SshConfigText.user(null)).isEqualTo("hoop");
    assertThat(SshConfigText.user("deploy")).isEqualTo("deploy");
  }

  @Test
  void pathsAreQuotedAndTokensEscaped() {
    assertThat(SshConfigText.pathValue(Path.of("/tmp/a b/%d/key")))
        .isEqualTo("\"/tmp/a b/%%d/key\"");
    assertThatThrownBy(() -> SshConfigText.pathValue(Path.of("/tmp/a\"b")))
        .isInstanceOf(HoopException.class);
    assertThatThrownBy(() -> SshConfigText.pathValue(Path.of("/tmp/a\nHost *")))
        .isInstanceOf(HoopException.class);
    assertThat(SshConfigText.shellArgument("/tmp/x/id_ed25519")).isEqualTo("/tmp/x/id_ed25519");
    assertThat(SshConfigText.shellArgument("/tmp/it's $HOME")).isEqualTo("'/tmp/it'\\''s $HOME'");
  }

  @Test
  void aHostKeyThatIsNotOneKeyLineIsRefused() {
    assertThat(SshConfigText.hostKey(HOST_KEY))
        .isEqualTo(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl");
    for (String bad :
        new String[] {
          "",
          "ssh-ed25519",
          "@cert-authority * ssh-ed25519 AAAA",
          "ssh-ed25519 AAAA\nevil ssh-rsa AAAA",
          "ssh-ed25519 not*base64*at*all*here"
        }) {
      assertThatThrownBy(() -> SshConfigText.hostKey(bad))
          .as(bad)
          .isInstanceOf(HoopException.class);
    }
    assertThatThrownBy(() -> SshConfigText.hostKey(null)).isInstanceOf(HoopException.class);
  }

  @Test
  void theDirectoryIsGoneWhenWritingFails() throws Exception {
    assertThatThrownBy(
            () -> SshFiles.write(EphemeralKey.generate(), "web-1", "junk", null, 1, env()))
        .isInstanceOf(HoopException.class);
    try (var list = Files.list(tmp)) {
      assertThat(list).isEmpty();
    }
  }

  @Test
  void aRuntimeDirectoryOthersCouldSwapIsNotUsed() throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path inside = Files.createDirectory(open.resolve("run"));
    Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rwx------"));
    // Group/other-writable without the sticky bit: itself, or any directory above it.
    assertThat(SshFiles.usableRuntimeDir(open.toString())).isNull();
    assertThat(SshFiles.usableRuntimeDir(inside.toString())).isNull();
    assertThat(SshFiles.usableRuntimeDir("relative/dir")).isNull();
    assertThat(SshFiles.usableRuntimeDir(tmp.resolve("missing").toString())).isNull();
    assertThat(SshFiles.usableRuntimeDir(tmp.toString())).isEqualTo(tmp);
    try (SshFiles f =
        SshFiles.write(
            EphemeralKey.generate(),
            "web-1",
            HOST_KEY,
            null,
            1,
            Map.of("XDG_RUNTIME_DIR", open.toString()))) {
      assertThat(f.directory().getParent()).isNotEqualTo(open);
      assertThat(f.directory().getParent())
          .isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize());
    }
  }
}
