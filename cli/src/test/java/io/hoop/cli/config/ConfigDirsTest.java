package io.hoop.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDirsTest {
  @Test
  void hoopConfigDirWinsOverXdgAndHome() {
    CliEnvironment env =
        CliEnvironment.of(
            Map.of("HOOP_CONFIG_DIR", "/a/hoop", "XDG_CONFIG_HOME", "/b", "HOME", "/home/c"));
    assertThat(ConfigDirs.configDir(env)).isEqualTo(Path.of("/a/hoop"));
  }

  @Test
  void xdgConfigHomeWinsOverHome() {
    CliEnvironment env = CliEnvironment.of(Map.of("XDG_CONFIG_HOME", "/b", "HOME", "/home/c"));
    assertThat(ConfigDirs.configDir(env)).isEqualTo(Path.of("/b/hoop"));
  }

  @Test
  void homeIsTheFallbackAndBlankValuesCountAsUnset() {
    CliEnvironment env =
        CliEnvironment.of(Map.of("HOOP_CONFIG_DIR", " ", "XDG_CONFIG_HOME", "", "HOME", "/home/c"));
    assertThat(ConfigDirs.configDir(env)).isEqualTo(Path.of("/home/c/.config/hoop"));
  }

  @Test
  void profileFlagWinsOverEnvironmentAndDefaultsToDefault() {
    CliEnvironment withEnv = CliEnvironment.of(Map.of("HOOP_PROFILE", "staging"));
    assertThat(ConfigDirs.profileName("prod", withEnv)).isEqualTo("prod");
    assertThat(ConfigDirs.profileName(null, withEnv)).isEqualTo("staging");
    assertThat(ConfigDirs.profileName(null, CliEnvironment.of(Map.of()))).isEqualTo("default");
    CliEnvironment env = CliEnvironment.of(Map.of("HOOP_CONFIG_DIR", "/cfg"));
    assertThat(ConfigDirs.profileDir(env, "prod")).isEqualTo(Path.of("/cfg/profiles/prod"));
  }

  @Test
  void profileNamesCannotEscapeTheProfilesDirectory() {
    CliEnvironment env = CliEnvironment.of(Map.of());
    for (String bad : new String[] {"../x", "a/b", ".hidden", "", "x".repeat(65)}) {
      assertThatThrownBy(() -> ConfigDirs.profileName(bad, env))
          .isInstanceOf(HoopException.Usage.class)
          .hasMessageContaining("invalid profile name");
    }
  }
}
