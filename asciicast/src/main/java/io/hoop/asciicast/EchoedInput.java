package io.hoop.asciicast;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Keeps typed input until the terminal echoes it: the broker cannot see the target's tty modes, but
 * it sees what the terminal shows. A chunk of input is kept (recorded) only when its printable text
 * comes back in the output within {@link #WINDOW_NANOS}; otherwise it is dropped. Typing a line end
 * drops every chunk still waiting: with echo on, a character's echo comes before the line is read;
 * with echo off (a password typed at {@code stty -echo}, {@code read -s}, sudo, ssh-keygen) nothing
 * comes back before the Enter, and what the program prints after it is not taken as an echo of the
 * line. Chunks without printable text (Enter, Ctrl-C, arrows) are kept as they come.
 *
 * <p>What can still be kept: text typed with echo off that the target prints within the window
 * anyway (then the output recording has it too).
 */
final class EchoedInput {
  static final long WINDOW_NANOS = 2_000_000_000L;
  private static final int MAX_PENDING = 256;
  private static final int MAX_SEEN = 8192;

  private record Pending(String text, String printable, long typedAt) {}

  private final Deque<Pending> pending = new ArrayDeque<>();
  private final StringBuilder seen = new StringBuilder();

  /** Input was typed at {@code now}; returns what is kept at once (text without printables). */
  List<String> typed(String text, long now) {
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
      pending.clear();
    }
    if (pending.isEmpty()) {
      seen.setLength(0);
    }
    if (pending.size() >= MAX_PENDING) {
      pending.pollFirst();
    }
    pending.addLast(new Pending(text, printable(text), now));
    return confirm(now);
  }

  /** Output was shown at {@code now}; returns the inputs it confirms, in order. */
  List<String> output(String text, long now) {
    if (pending.isEmpty()) {
      return List.of();
    }
    seen.append(printable(text));
    if (seen.length() > MAX_SEEN) {
      seen.delete(0, seen.length() - MAX_SEEN);
    }
    return confirm(now);
  }

  /** Drops what waits (echo off). */
  void clear() {
    pending.clear();
    seen.setLength(0);
  }

  private List<String> confirm(long now) {
    List<String> kept = new ArrayList<>();
    while (!pending.isEmpty()) {
      Pending head = pending.peekFirst();
      if (head.printable().isEmpty()) {
        kept.add(pending.pollFirst().text());
        continue;
      }
      if (now - head.typedAt() > WINDOW_NANOS) {
        // an echo this late is not one (or never came): dropped, with the output seen so far
        pending.pollFirst();
        seen.setLength(0);
        continue;
      }
      int at = seen.indexOf(head.printable());
      if (at >= 0) {
        seen.delete(0, at + head.printable().length());
        kept.add(pending.pollFirst().text());
        continue;
      }
      break;
    }
    if (pending.isEmpty()) {
      seen.setLength(0);
    }
    return kept;
  }

  /** The text without escape sequences and control characters. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == 0x1b) {
        i = skipEscape(s, i + 1);
        continue;
      }
      if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)) {
        out.append(c);
      }
      i++;
    }
    return out.toString();
  }

  private static int skipEscape(String s, int i) {
    if (i >= s.length()) {
      return i;
    }
    char c = s.charAt(i);
    if (c == '[' || c == 'O') {
      int j = i + 1;
      while (j < s.length() && (s.charAt(j) < 0x40 || s.charAt(j) > 0x7e)) {
        j++;
      }
      return Math.min(j + 1, s.length());
    }
    if (c == ']') {
      int j = s.indexOf('\u0007', i);
      return j < 0 ? s.length() : j + 1;
    }
    return i + 1;
  }
}
