package io.hoop.asciicast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader and player on the things the CLI's replay relies on (they were its own copy). */
class CastPlayerTest {
  static final String CAST =
      "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1765000000,"
          + " \"env\": {\"TERM\": \"xterm-256color\"}}\n"
          + "[0.5, \"o\", \"$ \"]\n"
          + "[1.0, \"i\", \"u\"]\n"
          + "[2.0, \"o\", \"uptime\\r\\n\"]\n"
          + "[2.25, \"r\", \"100x30\"]\n"
          + "[62.0, \"o\", \" 10:00 up 3 days\\r\\n\"]\n"
          + "[62.5, \"m\", \"exit\"]\n";

  @Test
  void aRecordingParsesWithItsEvents() throws Exception {
    CastRecording c = CastReader.read(CAST);
    assertThat(c.header().width()).isEqualTo(80);
    assertThat(c.header().height()).isEqualTo(24);
    assertThat(c.header().idleTimeLimit()).isNull();
    assertThat(c.events()).hasSize(6);
    assertThat(c.duration()).isEqualTo(62.5);
  }

  @Test
  void realTimePlaysOutputWithItsGaps() throws Exception {
    assertThat(CastPlayer.frames(CastReader.read(CAST), 1, null))
        .containsExactly(
            new CastPlayer.Frame(Duration.ofMillis(500), "$ "),
            new CastPlayer.Frame(Duration.ofMillis(1500), "uptime\r\n"),
            new CastPlayer.Frame(Duration.ofSeconds(60), " 10:00 up 3 days\r\n"));
  }

  @Test
  void speedDividesAndMaxIdleCapsBeforeDividing() throws Exception {
    List<CastPlayer.Frame> f = CastPlayer.frames(CastReader.read(CAST), 2, Duration.ofSeconds(1));
    assertThat(f)
        .extracting(CastPlayer.Frame::delay)
        .containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(500));
    assertThat(CastPlayer.frames(CastReader.read(CAST), 0, null))
        .extracting(CastPlayer.Frame::delay)
        .containsOnly(Duration.ZERO);
    assertThat(CastPlayer.frames(CastReader.read(CAST), 0.5, Duration.ZERO))
        .extracting(CastPlayer.Frame::delay)
        .containsOnly(Duration.ZERO);
  }

  @Test
  void theRecordingsOwnIdleLimitAppliesUnlessOverridden() throws Exception {
    CastRecording c =
        CastReader.read(CAST.replace("\"timestamp\"", "\"idle_time_limit\": 2, \"timestamp\""));
    assertThat(c.header().idleTimeLimit()).isEqualTo(2.0);
    assertThat(CastPlayer.frames(c, 1, null).get(2).delay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(CastPlayer.frames(c, 1, Duration.ofSeconds(10)).get(2).delay())
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void badSpeedsAreRefused() throws Exception {
    CastRecording c = CastReader.read(CAST);
    for (double s : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> CastPlayer.frames(c, s, null))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> CastPlayer.frames(c, 1, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void whatAsciinemaWouldRejectIsRefusedWithTheLine() {
    String h = "{\"version\":2,\"width\":80,\"height\":24}\n";
    String[][] bad = {
      {"", "line 1"},
      {"[0, \"o\", \"x\"]\n", "line 1: expected the header"},
      {"{\"version\":1,\"width\":80,\"height\":24}\n", "version"},
      {"{\"version\":2,\"width\":0,\"height\":24}\n", "width"},
      {"{\"version\":2,\"width\":80}\n", "height"},
      {"{\"version\":2,\"width\":80,\"height\":24,\"idle_time_limit\":-1}\n", "idle_time_limit"},
      {h + "[1, \"o\"]\n", "line 2: expected [time, type, data]"},
      {h + "[-1, \"o\", \"x\"]\n", "line 2"},
      {h + "[\"1\", \"o\", \"x\"]\n", "line 2"},
      {h + "[2, \"o\", \"x\"]\n[1, \"o\", \"y\"]\n", "line 3: time 1.0 is before"},
      {h + "[1, \"x\", \"y\"]\n", "event type"},
      {h + "[1, \"r\", \"80 by 24\"]\n", "COLSxROWS"},
      {h + "[1, \"o\", 5]\n", "strings"},
      {h + "[1, \"o\", \"x\"] trailing\n", "not JSON"},
      {h + "{not json\n", "line 2: not JSON"},
      {h + "[1e400, \"o\", \"x\"]\n", "line 2: the time"},
      {h + "[NaN, \"o\", \"x\"]\n", "line 2: not JSON"},
      {h + "[[[[[[[[[[1]]]]]]]]]]\n", "line 2: not JSON"},
      {
        "{\"version\":2,\"width\":80,\"height\":24,\"title\":\""
            + "x".repeat(CastReader.MAX_LINE)
            + "\"}",
        "line 1: longer than"
      },
      {"{\"version\":2,\"width\":99999999999,\"height\":24}\n", "line 1: width"},
      {"{\"version\":2,\"width\":80,\"height\":24,\"idle_time_limit\":\"1\"}\n", "idle_time_limit"},
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> CastReader.read(b[0]))
          .as(b[0])
          .isInstanceOf(CastFormatException.class)
          .hasMessageContaining(b[1]);
    }
  }
}
