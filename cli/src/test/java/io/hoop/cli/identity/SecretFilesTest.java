package io.hoop.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.HoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {
  @TempDir Path tmp;

  private Path file(String content, String mode) throws Exception {
    Path f = tmp.resolve("secret-" + mode);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void ownerOnlyFilesAreReadAndTrimmed() throws Exception {
    assertThat(SecretFiles.readOwnerOnly(file("s3cret\n", "rw-------"), "client secret file"))
        .isEqualTo("s3cret");
    assertThat(SecretFiles.readOwnerOnly(file("s3cret", "r--------"), "client secret file"))
        .isEqualTo("s3cret");
  }

  @Test
  void filesOthersCanReadAreRefusedWithTheFix() throws Exception {
    for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
      Path f = file("s3cret", mode);
      assertThatThrownBy(() -> SecretFiles.readOwnerOnly(f, "client secret file"))
          .as(mode)
          .isInstanceOf(HoopException.Usage.class)
          .hasMessage(
              "client secret file "
                  + f
                  + " has mode "
                  + mode
                  + "; it must be readable by its owner only: chmod 600 "
                  + f)
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void missingAndEmptyFilesAreNamed() throws Exception {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> SecretFiles.readOwnerOnly(missing, "client secret file"))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessage("client secret file " + missing + " does not exist");
    Path empty = file("  \n", "rw-------");
    assertThatThrownBy(() -> SecretFiles.readOwnerOnly(empty, "client secret file"))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessage("client secret file " + empty + " is empty");
  }
}
