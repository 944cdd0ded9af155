package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.output.GrantTable;
import io.hoop.cli.output.Table;
import io.hoop.cli.time.DurationFormat;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.impl.DumbTerminal;
import org.jline.utils.WriterOutputStream;

/** A numbered list of pending requests on stderr and a jline prompt to choose one. */
final class PendingPicker {
  private static final int MAX_TRIES = 3;

  private PendingPicker() {}

  /** The chosen request, or null when the user gave up (empty line, Ctrl-C, Ctrl-D). */
  static Grant pick(List<Grant> pending, CliEnvironment env, PrintWriter err) {
    err.println("Requests waiting for your approval:");
    Table table =
        new Table("#", "ID", "TARGET", "REQUESTER", "TASK", "APPROVALS", "REQUESTED", "REASON");
    for (int i = 0; i < pending.size(); i++) {
      Grant g = pending.get(i);
      table.row(
          i + 1,
          g.id(),
          g.target(),
          g.principal(),
          g.task(),
          GrantTable.approvals(g),
          DurationFormat.relative(g.requestedAt(), env.clock().instant()),
          g.reason());
    }
    table.print(err);
    try (Terminal terminal = terminal(env, err)) {
      LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
      String prompt = "Approve which request? [1-" + pending.size() + ", Enter to cancel] ";
      for (int tries = 0; tries < MAX_TRIES; tries++) {
        String line = reader.readLine(prompt).strip();
        if (line.isEmpty()) {
          return null;
        }
        Grant chosen = choose(pending, line);
        if (chosen != null) {
          return chosen;
        }
        terminal.writer().println("'" + line + "' is not a number from the list or a request ID");
        terminal.writer().flush();
      }
      return null;
    } catch (UserInterruptException | EndOfFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read from the terminal", e);
    }
  }

  /** A list number ({@code 1}-based) or a request id from the list; null otherwise. */
  static Grant choose(List<Grant> pending, String answer) {
    for (Grant g : pending) {
      if (g.id().equals(answer)) {
        return g;
      }
    }
    try {
      int n = Integer.parseInt(answer);
      return n >= 1 && n <= pending.size() ? pending.get(n - 1) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The real console with line editing (prompt on stderr, stdout stays for results) in the hoop
   * process; a dumb terminal over the injected streams in tests and embedded runs.
   */
  private static Terminal terminal(CliEnvironment env, PrintWriter err) throws IOException {
    if (env.stdin() == System.in) {
      return TerminalBuilder.builder()
          .system(true)
          .systemOutput(TerminalBuilder.SystemOutput.SysErr)
          .build();
    }
    // Closing the terminal closes its streams; stdin and stderr belong to the caller.
    InputStream in =
        new FilterInputStream(env.stdin()) {
          @Override
          public void close() {}
        };
    OutputStream out =
        new FilterOutputStream(new WriterOutputStream(err, StandardCharsets.UTF_8)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
    return new DumbTerminal("hoop", "dumb", in, out, StandardCharsets.UTF_8);
  }
}
