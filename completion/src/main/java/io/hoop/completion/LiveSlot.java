package io.hoop.completion;

import java.util.Objects;

/**
 * A parameter whose candidates come from the running program at TAB time, not from the model: the
 * script calls {@code PROGRAM __complete KIND PREFIX} and offers the lines it prints.
 *
 * @param command the subcommand path ({@code "connect"}, {@code "sessions show"}), or {@code "*"}
 *     for every command that has the parameter
 * @param parameter a positional index ({@code "0"}) or an option name ({@code "--target"})
 * @param kind what to ask for ({@code targets}, {@code pending}...): a safe word
 */
public record LiveSlot(String command, String parameter, String kind) {
  public LiveSlot {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(parameter, "parameter");
    Objects.requireNonNull(kind, "kind");
    if (!Candidates.isSafe(kind)) {
      throw new IllegalArgumentException(
          "kind '" + kind + "' must be a safe word " + Candidates.SAFE);
    }
  }

  boolean matches(String commandPath, String param) {
    return (command.equals("*") || command.equals(commandPath)) && parameter.equals(param);
  }
}
