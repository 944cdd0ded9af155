package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.config.ConfigDirs;
import io.hoop.cli.config.ProfileStore;
import picocli.CommandLine.Option;

/** Options every subcommand takes: {@code --profile}, {@code --debug}, {@code --help}. */
public final class CommonOptions {
  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description = "Profile to use (default: $HOOP_PROFILE, else 'default').")
  String profile;

  @Option(names = "--debug", description = "Show stack traces of errors.", defaultValue = "false")
  boolean debug;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  /** The selected profile's store. */
  public ProfileStore store(CliEnvironment environment) {
    String name = ConfigDirs.profileName(profile, environment);
    return new ProfileStore(ConfigDirs.profileDir(environment, name), name);
  }
}
