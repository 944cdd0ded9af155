package io.hoop.asciicast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalFilterTest {
  private static final String E = "\u001b";

  private static String filter(String s) {
    return new TerminalFilter().filter(s);
  }

  @Test
  void drawingPassesUnchanged() {
    String screen =
        E
            + "[1;31mred"
            + E
            + "[0m\r\n"
            + E
            + "[2J"
            + E
            + "[H"
            + E
            + "[10;5H"
            + E
            + "[K\tx\b"
            + E
            + "[?1049h"
            + E
            + "[?25l"
            + E
            + "[?25h"
            + E
            + "[?1049l"
            + E
            + "7"
            + E
            + "8"
            + E
            + "(B"
            + E
            + "[38;5;196mé日本"
            + E
            + "[3;20r"
            + E
            + "M";
    TerminalFilter f = new TerminalFilter();
    assertThat(f.filter(screen)).isEqualTo(screen);
    assertThat(f.dropped()).isZero();
  }

  @Test
  void sequencesThatActBeyondTheScreenAreLeftOut() {
    String[] hostile = {
      E + "]0;owned title" + "\u0007", // window title
      E + "]52;c;ZWNobyBvd25lZA==" + E + "\\", // clipboard write
      E + "]8;;http://evil.example/" + E + "\\", // hyperlink
      E + "]10;?" + "\u0007", // colour query: the terminal answers into the shell
      E + "[6n", // device status report: answers
      E + "[c", // device attributes: answers
      E + "[>c",
      E + "[21t", // report the title: answers
      E + "[8;100;100t", // resize the window
      E + "P$q\"p" + E + "\\", // DCS request: answers
      E + "_apc" + E + "\\",
      E + "^pm" + E + "\\",
      E + "Xsos" + E + "\\",
      E + "[?1000h", // mouse reporting on
      E + "[?2004h", // bracketed paste
      E + "[?1h", // application cursor keys
      E + "[?25;1000h", // one bad mode in a list
      E + "[>4;1m", // modifyOtherKeys: changes what keys send
      E + "[5i", // printer on
      E + "c", // full reset
      E + "=", // keypad mode
      "\u009b6n", // C1 CSI
      "\u009d0;t\u009c", // C1 OSC
      "\u0005", // ENQ: answerback
      "\u0007\u007f\u0000",
      E + "[" + "1;".repeat(100) + "m", // over-long sequence
    };
    for (String h : hostile) {
      TerminalFilter f = new TerminalFilter();
      String out = f.filter("a" + h + "b");
      assertThat(out).as(h.replace(E, "ESC")).doesNotContain(E).doesNotContain("owned");
      assertThat(f.dropped()).as(h.replace(E, "ESC")).isPositive();
    }
    assertThat(filter(E + "]0;owned title" + "\u0007after")).isEqualTo("after");
  }

  @Test
  void aSequenceSplitAcrossEventsIsStillSeen() {
    TerminalFilter f = new TerminalFilter();
    String out =
        f.filter("x" + E)
            + f.filter("]52;c;")
            + f.filter("ZXZpbA==\u0007y")
            + f.filter(E + "[")
            + f.filter("1mz");
    assertThat(out).isEqualTo("xy" + E + "[1mz");
  }

  @Test
  void anUnterminatedStringHidesEverythingAfterIt() {
    TerminalFilter f = new TerminalFilter();
    assertThat(f.filter(E + "]0;title never ends, " + E + "[6n more")).isEmpty();
  }
}
