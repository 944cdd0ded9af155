package io.hoop.asciicast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AsciicastWriterTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();

  private AsciicastWriter writer(boolean recordInput) throws Exception {
    return new AsciicastWriter(
        sink,
        new CastHeader(80, 24, 1_700_000_000L, "xterm-256color", "web-1 ops"),
        recordInput,
        clock::get);
  }

  private static void out(AsciicastWriter w, String s) throws Exception {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    w.output(b, 0, b.length);
  }

  private static void in(AsciicastWriter w, String s) throws Exception {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    w.input(b, 0, b.length);
  }

  private List<String> lines() {
    return List.of(sink.toString(StandardCharsets.UTF_8).split("\n"));
  }

  private CastRecording read() throws Exception {
    return CastReader.read(new StringReader(sink.toString(StandardCharsets.UTF_8)));
  }

  @Test
  void writesHeaderOutputAndResizeThatTheReaderAccepts() throws Exception {
    try (AsciicastWriter w = writer(false)) {
      out(w, "$ ");
      clock.addAndGet(1_500_000_000L);
      out(w, "ls\r\n\u001b[1mfile\u001b[0m \"q\" \\\r\n");
      w.resize(120, 40);
      in(w, "ls\r");
    }
    assertThat(lines().get(0))
        .isEqualTo(
            "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1700000000, \"env\":"
                + " {\"TERM\": \"xterm-256color\"}, \"title\": \"web-1 ops\"}");
    assertThat(lines().get(1)).isEqualTo("[0.000000, \"o\", \"$ \"]");
    assertThat(lines().get(2))
        .isEqualTo("[1.500000, \"o\", \"ls\\r\\n\\u001B[1mfile\\u001B[0m \\\"q\\\" \\\\\\r\\n\"]");
    assertThat(lines().get(3)).isEqualTo("[1.500000, \"r\", \"120x40\"]");
    assertThat(lines()).hasSize(4); // input is off by default
    CastRecording r = read();
    assertThat(r.header().width()).isEqualTo(80);
    assertThat(r.header().term()).isEqualTo("xterm-256color");
    assertThat(r.events()).extracting(CastEvent::type).containsExactly("o", "o", "r");
    assertThat(r.events().get(1).data()).isEqualTo("ls\r\n\u001b[1mfile\u001b[0m \"q\" \\\r\n");
  }

  @Test
  void utf8SplitAcrossChunksIsJoined() throws Exception {
    byte[] text = "h\u00e9llo \u20ac \uD83D\uDE00!".getBytes(StandardCharsets.UTF_8);
    try (AsciicastWriter w = writer(false)) {
      for (byte b : text) {
        w.output(new byte[] {b}, 0, 1); // every split point
      }
    }
    StringBuilder all = new StringBuilder();
    for (CastEvent e : read().events()) {
      all.append(e.data());
    }
    assertThat(all.toString()).isEqualTo("h\u00e9llo \u20ac \uD83D\uDE00!");
    assertThat(sink.toString(StandardCharsets.UTF_8)).doesNotContain("\uFFFD");
  }

  @Test
  void invalidBytesAndATruncatedEndBecomeReplacementCharacters() throws Exception {
    try (AsciicastWriter w = writer(false)) {
      w.output(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xe2, (byte) 0x82}, 0, 5);
    }
    StringBuilder all = new StringBuilder();
    for (CastEvent e : read().events()) {
      all.append(e.data());
    }
    assertThat(all.toString()).isEqualTo("a\uFFFDb\uFFFD");
  }

  @Test
  void inputIsRecordedOnlyWhenOnAndEchoing() throws Exception {
    try (AsciicastWriter w = writer(true)) {
      in(w, "ls\r");
      out(w, "ls\r\nfile\r\n$ ");
      w.echo(false);
      in(w, "hunter2\r");
      out(w, "\r\n$ ");
      w.echo(true);
      in(w, "id\r");
      out(w, "id\r\n");
    }
    assertThat(read().events())
        .filteredOn(e -> e.type().equals("i"))
        .extracting(CastEvent::data)
        .containsExactly("ls\r", "id\r");
    assertThat(sink.toString(StandardCharsets.UTF_8)).doesNotContain("hunter2");
  }

  @Test
  void theLineAfterAPasswordPromptIsNeverRecorded() throws Exception {
    try (AsciicastWriter w = writer(true)) {
      out(w, "$ ");
      in(w, "sudo -i\r");
      out(w, "sudo -i\r\n[sudo] password for deploy: ");
      in(w, "hun");
      in(w, "ter2");
      in(w, "\r");
      out(w, "\r\n# ");
      in(w, "whoami\r");
      out(w, "whoami\r\n");
      out(w, "Enter passphrase for key '/home/u/.ssh/id': \u001b[0m");
      in(w, "s3cret\n");
      out(w, "Password:");
      in(w, "pw\r");
    }
    String cast = sink.toString(StandardCharsets.UTF_8);
    assertThat(cast)
        .doesNotContain("hun")
        .doesNotContain("ter2")
        .doesNotContain("s3cret")
        .doesNotContain("\"pw");
    assertThat(read().events())
        .filteredOn(e -> e.type().equals("i"))
        .extracting(CastEvent::data)
        .containsExactly("sudo -i\r", "whoami\r");
  }

  @Test
  void inputTheTerminalDoesNotEchoIsNeverRecorded() throws Exception {
    try (AsciicastWriter w = writer(true)) {
      out(w, "user@host:~$ ");
      in(w, "e");
      out(w, "e");
      in(w, "cho hi\r");
      out(w, "cho hi\r\nhi\r\nuser@host:~$ ");
      // stty -echo; read x: nothing comes back while the secret is typed, key by key or pasted
      for (String k : new String[] {"u", "s", "e", "r", "x"}) {
        in(w, k);
      }
      in(w, "\r");
      out(w, "\r\nuser@host:~$ ");
      in(w, "pasted-user@host\r");
      out(w, "\r\nuser@host:~$ ");
      in(w, "\u001b[A");
    }
    assertThat(read().events())
        .filteredOn(e -> e.type().equals("i"))
        .extracting(CastEvent::data)
        .containsExactly("e", "cho hi\r", "\r");
  }

  @Test
  void inputWhoseEchoNeverComesIsDroppedAfterTheWindow() throws Exception {
    try (AsciicastWriter w = writer(true)) {
      in(w, "secret");
      clock.addAndGet(EchoedInput.WINDOW_NANOS + 1);
      out(w, "secret"); // too late to be its echo
      in(w, "ls");
      out(w, "ls");
    }
    assertThat(read().events())
        .filteredOn(e -> e.type().equals("i"))
        .extracting(CastEvent::data)
        .containsExactly("ls");
  }

  @Test
  void eventsAfterCloseAreIgnored() throws Exception {
    AsciicastWriter w = writer(true);
    w.close();
    out(w, "late");
    w.resize(1, 1);
    w.close();
    assertThat(lines()).hasSize(1);
  }

  @Test
  void thePlayerHonoursSpeedAndIdleCap() throws Exception {
    try (AsciicastWriter w = writer(false)) {
      out(w, "a");
      clock.addAndGet(2_000_000_000L);
      out(w, "b");
      w.resize(100, 30);
      clock.addAndGet(600_000_000_000L);
      out(w, "c");
    }
    CastRecording r = read();
    List<CastPlayer.Frame> normal = CastPlayer.frames(r, 1, null);
    assertThat(normal).extracting(CastPlayer.Frame::data).containsExactly("a", "b", "c");
    assertThat(normal.get(1).delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(normal.get(2).delay()).isEqualTo(Duration.ofSeconds(600));
    List<CastPlayer.Frame> fast = CastPlayer.frames(r, 2, Duration.ofSeconds(3));
    assertThat(fast.get(1).delay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(fast.get(2).delay()).isEqualTo(Duration.ofMillis(1500));
    assertThat(fast.get(0).delay()).isEqualTo(Duration.ZERO);
  }
}
