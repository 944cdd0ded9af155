package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.config.ConfigDirs;
import io.hoop.cli.config.ProfileStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  // Set by picocli: the command this mixin belongs to, to find `hoop --profile NAME cmd`.
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** The selected profile's store. */
  public ProfileStore store(CliEnvironment environment) {
    String name = ConfigDirs.profileName(profileFlag(), environment);
    return new ProfileStore(ConfigDirs.profileDir(environment, name), name, environment);
  }

  /** The subcommand's {@code --profile}, else the one given before the subcommand. */
  private String profileFlag() {
    if (profile != null) {
      return profile;
    }
    for (CommandSpec s = mixee; s != null; s = s.parent()) {
      if (s.userObject() instanceof io.hoop.cli.Hoop hoop && hoop.profile() != null) {
        return hoop.profile();
      }
    }
    return null;
  }
}
