package io.hoop.cli.commands;

import io.hoop.api.SessionDetail;
import io.hoop.asciicast.CastFormatException;
import io.hoop.asciicast.CastReader;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.output.JsonOutput;
import io.hoop.cli.sessions.SessionsApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop sessions export ID}: a session's recording as a file other tools read. */
@Command(
    name = "export",
    description = {
      "Write a session's recording.",
      "-o cast: an ssh session's terminal recording as an asciicast v2 file",
      "(checked first) that asciinema play accepts; -o json: the session and its",
      "statements as JSON (any session)."
    },
    footer = {
      "%nExamples:",
      "  hoop sessions export s-9a2e... -o cast > s.cast && asciinema play s.cast",
      "  hoop sessions export s-9a2e... -o cast --file s.cast",
      "  hoop sessions export s-6f1c... -o json | jq '.statements[].sql'",
      "%nExit codes: 0 ok, 1 error (no recording, not a valid cast), 2 usage,",
      "6 not logged in."
    })
public final class SessionsExportCommand implements Callable<Integer> {
  /** What to export. */
  enum Format {
    cast,
    json
  }

  @ParentCommand SessionsCommand sessions;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "ID", description = "Session id, from hoop sessions list.")
  String id;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "cast",
      description = "Format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--file",
      paramLabel = "F",
      description = "Write to a new file F instead of stdout (an existing file is not replaced).")
  Path file;

  @Override
  public Integer call() {
    SessionsApi api = sessions.api(common);
    String text;
    if (format == Format.json) {
      SessionDetail detail = api.show(id);
      java.io.StringWriter s = new java.io.StringWriter();
      JsonOutput.printLine(new PrintWriter(s), detail);
      text = s.toString();
    } else {
      String recording = api.recording(id);
      if (recording == null) {
        throw new HoopException(
            "session "
                + id
                + " has no terminal recording (only ssh sessions do); try -o json for its"
                + " statements");
      }
      try {
        CastReader.read(recording);
      } catch (CastFormatException e) {
        throw new HoopException(
            "the broker's recording of "
                + id
                + " is not a valid asciicast v2 file: "
                + e.getMessage());
      }
      text = recording.endsWith("\n") ? recording : recording + "\n";
    }
    if (file == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.flush();
      return ExitCodes.OK;
    }
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      throw new HoopException("cannot write " + file + ": " + e.getMessage(), e);
    }
    spec.commandLine().getErr().println("wrote " + file);
    spec.commandLine().getErr().flush();
    return ExitCodes.OK;
  }
}
