package io.hoop.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's "try it yourself" lines name a hoop that runs as printed. */
class DemoLauncherTest {
  @TempDir Path tmp;

  @AfterEach
  void clear() {
    System.clearProperty("hoop.home");
  }

  private Path install(Path home) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path hoop = bin.resolve("hoop");
    Files.writeString(hoop, "#!/bin/sh\n");
    Files.setPosixFilePermissions(hoop, PosixFilePermissions.fromString("rwxr-xr-x"));
    System.setProperty("hoop.home", home.toString());
    return hoop;
  }

  @Test
  void theLauncherItselfWhenPathFindsNoHoopOrAnotherOne() throws Exception {
    Path hoop = install(tmp.resolve("dist"));
    assertThat(DemoCommand.launcher(CliEnvironment.of(Map.of("PATH", "/nonexistent"))))
        .isEqualTo(hoop.toString());
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.copy(hoop, other.resolve("hoop"));
    assertThat(DemoCommand.launcher(CliEnvironment.of(Map.of("PATH", other.toString()))))
        .isEqualTo(hoop.toString());
  }

  @Test
  void plainHoopWhenPathFindsThisLauncher() throws Exception {
    Path hoop = install(tmp.resolve("dist"));
    Path onPath = Files.createDirectories(tmp.resolve("local-bin"));
    Files.createSymbolicLink(onPath.resolve("hoop"), hoop);
    assertThat(DemoCommand.launcher(CliEnvironment.of(Map.of("PATH", "/nonexistent:" + onPath))))
        .isEqualTo("hoop");
  }

  @Test
  void aPathWithSpacesIsQuotedForTheShell() throws Exception {
    Path hoop = install(tmp.resolve("my dist"));
    assertThat(DemoCommand.launcher(CliEnvironment.of(Map.of()))).isEqualTo("'" + hoop + "'");
  }

  @Test
  void inProcessItIsHoop() {
    assertThat(DemoCommand.launcher(CliEnvironment.of(Map.of()))).isEqualTo("hoop");
  }
}
