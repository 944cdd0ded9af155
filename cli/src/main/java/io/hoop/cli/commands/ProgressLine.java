package io.hoop.cli.commands;

import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * A progress indicator on stderr: a {@code \r} spinner with elapsed time on a terminal, one plain
 * line otherwise (logs and CI output should not fill up with redraws).
 */
final class ProgressLine {
  private static final char[] SPINNER = {'|', '/', '-', '\\'};

  private final PrintWriter err;
  private final boolean terminal;
  private int ticks;
  private boolean shown;

  ProgressLine(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  void update(String message, Duration elapsed) {
    if (terminal) {
      err.print(
          "\r"
              + SPINNER[ticks++ % SPINNER.length]
              + " "
              + message
              + "... "
              + DurationFormat.compact(elapsed)
              + "   ");
      err.flush();
    } else if (!shown) {
      err.println(message + "...");
      err.flush();
    }
    shown = true;
  }

  /** Ends the line so the next output starts on a fresh one. */
  void done() {
    if (terminal && shown) {
      err.print("\r\033[K");
      err.flush();
    }
    shown = false;
  }
}
