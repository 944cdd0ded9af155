package io.hoop.cli.commands;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.config.ProfileStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop logout}: forgets the profile's session. */
@Command(
    name = "logout",
    description = "Delete the stored session of a profile (the broker URL and pin are kept).",
    footer = {"%nExamples:", "  hoop logout", "  hoop logout --profile staging"})
public final class LogoutCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    ProfileStore store = common.store(hoop.environment());
    boolean deleted = store.deleteCredentials();
    spec.commandLine()
        .getErr()
        .println(
            deleted
                ? "Logged out (profile " + store.name() + ")."
                : "Not logged in (profile " + store.name() + "); nothing to do.");
    return ExitCodes.OK;
  }
}
