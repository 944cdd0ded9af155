package io.hoop.cli.config;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where hoop keeps its profiles: {@code $HOOP_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/hoop}, else
 * {@code ~/.config/hoop}.
 */
public final class ConfigDirs {
  public static final String DEFAULT_PROFILE = "default";

  private ConfigDirs() {}

  /** The config directory for this environment. */
  public static Path configDir(CliEnvironment environment) {
    String explicit = environment.get("HOOP_CONFIG_DIR");
    if (explicit != null) {
      return Path.of(explicit);
    }
    String xdg = environment.get("XDG_CONFIG_HOME");
    if (xdg != null) {
      return Path.of(xdg, "hoop");
    }
    String home = environment.get("HOME");
    if (home == null) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".config", "hoop");
  }

  /**
   * The profile name: the {@code --profile} flag, else {@code $HOOP_PROFILE}, else {@code default}.
   * Names become directory names, so only a safe alphabet is accepted.
   */
  public static String profileName(String flag, CliEnvironment environment) {
    String name = flag != null ? flag : environment.get("HOOP_PROFILE");
    if (name == null) {
      return DEFAULT_PROFILE;
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new HoopException.Usage(
          "invalid profile name '"
              + name
              + "': expected letters, digits, '.', '_' or '-' (at most 64)");
    }
    return name;
  }

  /** The names of the profiles that have a directory, sorted. */
  public static List<String> profileNames(CliEnvironment environment) {
    Path root = configDir(environment).resolve("profiles");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  /** The directory of one profile. */
  public static Path profileDir(CliEnvironment environment, String profile) {
    return configDir(environment).resolve("profiles").resolve(profile);
  }
}
