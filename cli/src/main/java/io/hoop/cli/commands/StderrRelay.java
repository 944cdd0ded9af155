package io.hoop.cli.commands;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Copies ssh's stderr to hoop's as it arrives (the remote command's stderr and ssh's own messages)
 * and notes whether the broker's refusal line passed by, split across reads or not.
 */
final class StderrRelay implements Runnable {
  private final InputStream in;
  private final PrintWriter err;
  private final StringBuilder window = new StringBuilder();
  private volatile boolean sawRefusal;

  StderrRelay(InputStream in, PrintWriter err) {
    this.in = requireNonNull(in, "in");
    this.err = requireNonNull(err, "err");
  }

  /** Starts copying on a daemon thread; join it once ssh has exited. */
  Thread start() {
    Thread t = new Thread(this, "hoop-exec-stderr");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    char[] buffer = new char[8192];
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      for (int n; (n = r.read(buffer)) >= 0; ) {
        err.write(buffer, 0, n);
        err.flush();
        note(buffer, n);
      }
    } catch (IOException e) {
      // ssh is gone; what it wrote before has been passed on.
    }
  }

  private void note(char[] buffer, int n) {
    if (sawRefusal) {
      return;
    }
    window.append(buffer, 0, n);
    if (window.indexOf(ExecRefusal.MARKER) >= 0) {
      sawRefusal = true;
    }
    int keep = ExecRefusal.MARKER.length() - 1;
    if (window.length() > keep) {
      window.delete(0, window.length() - keep);
    }
  }

  /** Whether ssh's stderr carried the broker's refusal line (a hint, not proof). */
  boolean sawRefusal() {
    return sawRefusal;
  }
}
