package io.hoop.asciicast;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * What of a recording's output may reach the replaying user's terminal. A recording is whatever the
 * target wrote, and a hostile target (or a user on it) can write sequences that make a terminal act
 * beyond drawing the screen: set the window title or the clipboard (OSC 52), print hyperlinks,
 * answer queries by typing into the replaying user's shell (device status, device attributes,
 * window reports), switch mouse or key reporting on, or speak device-control strings. So replay
 * keeps text, tab, backspace, newline and carriage return, and the escape sequences that draw: CSI
 * cursor movement, erase, insert/delete, scroll and colours ({@code m}), cursor visibility,
 * line-wrap and the alternate screen, cursor save/restore, index and reverse index, character set
 * selection. Everything else (OSC, DCS, APC, PM and SOS strings, other CSI sequences, other C0 and
 * all C1 controls, DEL) is left out and counted. The raw recording stays available through {@code
 * hoop sessions export -o cast}, where the bytes are JSON-escaped.
 *
 * <p>Sequences may be split across events: the state carries over between calls of {@link #filter}.
 * Not thread-safe.
 */
public final class TerminalFilter {
  /** The longest CSI sequence kept; a longer one is dropped. */
  static final int MAX_CSI = 64;

  private static final String CSI_FINALS = "ABCDEFGHJKLMPSTXZ@`abdefgmrsu";
  private static final Set<String> MODES =
      Set.of("?25", "?7", "?47", "?1047", "?1048", "?1049", "4");

  private enum State {
    GROUND,
    ESCAPE,
    CHARSET,
    CSI,
    STRING,
    STRING_ESCAPE
  }

  private State state = State.GROUND;
  private final StringBuilder csi = new StringBuilder();
  private boolean csiTooLong;
  private long dropped;

  /** The part of {@code data} a terminal may be shown, given what came before. */
  public String filter(String data) {
    requireNonNull(data, "data");
    StringBuilder out = new StringBuilder(data.length());
    for (int i = 0; i < data.length(); i++) {
      step(data.charAt(i), out);
    }
    return out.toString();
  }

  /** How many sequences and control characters were left out so far. */
  public long dropped() {
    return dropped;
  }

  private void step(char c, StringBuilder out) {
    switch (state) {
      case GROUND -> ground(c, out);
      case ESCAPE -> escape(c, out);
      case CHARSET -> {
        state = State.GROUND;
        if (c >= 0x20 && c < 0x7f) {
          out.append('\u001b').append(csi).append(c);
        } else {
          dropped++;
          ground(c, out);
        }
      }
      case CSI -> csi(c, out);
      case STRING -> {
        // OSC ends with BEL or ST; DCS, APC, PM and SOS with ST. Their content never shows.
        if (c == 0x07 || c == '\u009c') {
          state = State.GROUND;
        } else if (c == 0x1b) {
          state = State.STRING_ESCAPE;
        }
      }
      case STRING_ESCAPE -> state = c == '\\' ? State.GROUND : State.STRING;
    }
  }

  private void ground(char c, StringBuilder out) {
    if (c == 0x1b) {
      state = State.ESCAPE;
    } else if (c == '\t' || c == '\n' || c == '\r' || c == '\b') {
      out.append(c);
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      dropped++;
    } else {
      out.append(c);
    }
  }

  private void escape(char c, StringBuilder out) {
    csi.setLength(0);
    switch (c) {
      case '[' -> {
        csiTooLong = false;
        state = State.CSI;
      }
      case ']', 'P', '_', '^', 'X' -> {
        dropped++;
        state = State.STRING;
      }
      case '(', ')', '*', '+' -> {
        csi.append(c);
        state = State.CHARSET;
      }
      case '7', '8', 'M', 'D', 'E' -> {
        out.append('\u001b').append(c);
        state = State.GROUND;
      }
      case 0x1b -> {
        dropped++;
        state = State.ESCAPE;
      }
      default -> {
        dropped++;
        state = State.GROUND;
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
          ground(c, out);
        }
      }
    }
  }

  private void csi(char c, StringBuilder out) {
    if (c >= 0x40 && c <= 0x7e) {
      state = State.GROUND;
      String params = csi.toString();
      if (!csiTooLong && keep(params, c)) {
        out.append("\u001b[").append(params).append(c);
      } else {
        dropped++;
      }
    } else if (c >= 0x20 && c <= 0x3f) {
      if (csi.length() < MAX_CSI) {
        csi.append(c);
      } else {
        csiTooLong = true;
      }
    } else {
      // A control character inside a sequence ends it; terminals would act on the character.
      dropped++;
      state = State.GROUND;
      ground(c, out);
    }
  }

  private static boolean keep(String params, char finalByte) {
    for (int i = 0; i < params.length(); i++) {
      char p = params.charAt(i);
      // Intermediate bytes and private markers other than '?' select other functions.
      if (p < 0x30
          || (p > 0x3b && !(p == '?' && i == 0 && (finalByte == 'h' || finalByte == 'l')))) {
        return false;
      }
    }
    if (finalByte == 'h' || finalByte == 'l') {
      boolean priv = params.startsWith("?");
      for (String mode : (priv ? params.substring(1) : params).split(";", -1)) {
        if (!MODES.contains((priv ? "?" : "") + mode)) {
          return false;
        }
      }
      return true;
    }
    return CSI_FINALS.indexOf(finalByte) >= 0;
  }
}
