package io.hoop.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The token file: owner-only, one token, bounded; every refusal names the file and the rule. */
class TokenFileTest {
  @TempDir Path dir;

  private Path file(String content, String mode) throws Exception {
    Path f = dir.resolve("agent.token");
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-------", "r--------"})
  void readsAnOwnerOnlyFile(String mode) throws Exception {
    assertThat(TokenFile.read(file("  eyJ.abc.def\n", mode))).isEqualTo("eyJ.abc.def");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw----r--", "rwx------", "rw-----w-"})
  void refusesAFileOthersCouldReadOrChange(String mode) throws Exception {
    Path f = file("eyJ.abc.def", mode);
    assertThatThrownBy(() -> TokenFile.read(f))
        .isInstanceOf(TokenFile.Refused.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining(mode)
        .hasMessageContaining("chmod 600");
  }

  @Test
  void refusesASymbolicLinkAMissingFileAndADirectory() throws Exception {
    Path target = file("eyJ.abc.def", "rw-------");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertThatThrownBy(() -> TokenFile.read(link)).hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> TokenFile.read(dir.resolve("missing")))
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> TokenFile.read(dir)).hasMessageContaining("not a regular file");
  }

  @Test
  void refusesEmptyOversizedAndNotOneToken() throws Exception {
    assertThatThrownBy(() -> TokenFile.read(file(" \n", "rw-------")))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> TokenFile.read(file("a".repeat(TokenFile.MAX_BYTES + 1), "rw-------")))
        .hasMessageContaining("expected at most " + TokenFile.MAX_BYTES);
    assertThatThrownBy(() -> TokenFile.read(file("one two", "rw-------")))
        .hasMessageContaining("expected one broker token");
    assertThatThrownBy(() -> TokenFile.read(file("tok\u0000en", "rw-------")))
        .hasMessageContaining("expected one broker token");
  }
}
