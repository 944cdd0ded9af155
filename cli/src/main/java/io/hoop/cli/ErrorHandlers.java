package io.hoop.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** One-line error reporting: {@code hoop: <message>}; stack traces only with {@code --debug}. */
final class ErrorHandlers {
  private ErrorHandlers() {}

  /** Errors thrown by a command while it runs. */
  static final class Execution implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception ex, CommandLine commandLine, ParseResult parseResult) {
      PrintWriter err = commandLine.getErr();
      boolean debug = debug(parseResult);
      if (debug) {
        ex.printStackTrace(err);
      }
      err.println("hoop: " + message(ex, debug));
      err.flush();
      return ExitCodes.of(ex);
    }
  }

  /** Bad command lines: the message and where to find help, not the whole usage text. */
  static final class Parameters implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println("hoop: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println(
          "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      // hoop exec keeps 0-254 for the remote command's status: its own failures are 255.
      return cmd.getCommandSpec().userObject() instanceof io.hoop.cli.commands.ExecCommand
          ? ExitCodes.EXEC_FAILED
          : ExitCodes.USAGE;
    }
  }

  static boolean debug(ParseResult parseResult) {
    for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
      if (pr.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  static String message(Throwable ex, boolean debug) {
    if (ex instanceof HoopException) {
      return ex.getMessage();
    }
    String hint = debug ? "" : " (run with --debug for details)";
    if (ex instanceof UncheckedIOException && ex.getCause() != null) {
      return ex.getMessage() + ": " + ex.getCause().getMessage() + hint;
    }
    if (ex instanceof InterruptedException) {
      return "interrupted";
    }
    String text = ex.getMessage();
    return "internal error: "
        + ex.getClass().getSimpleName()
        + (text == null ? "" : ": " + text)
        + hint;
  }
}
