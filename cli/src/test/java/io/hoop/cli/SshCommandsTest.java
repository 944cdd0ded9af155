package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** hoop exec, sessions replay and export of ssh sessions, against canned broker answers. */
class SshCommandsTest extends FakeBrokerCase {
  private static final String DETAIL =
      "{\"session\":{\"id\":\"s-1\",\"grantId\":\"g-1\",\"principal\":\"alice\",\"target\":\"web-1\","
          + "\"task\":\"OPS-7\",\"openedAt\":\"2026-12-07T10:00:00Z\","
          + "\"closedAt\":\"2026-12-07T10:01:00Z\",\"bytesUp\":10,\"bytesDown\":20,"
          + "\"closeReason\":\"client_closed\",\"statements\":0,\"blocked\":0,\"dropped\":0},"
          + "\"statements\":[]}";
  private static final String CAST =
      "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
          + "[0.5, \"o\", \"$ \"]\n"
          + "[1.5, \"o\", \"uptime\\r\\n 10:00 up 3 days\\r\\n\"]\n";

  @BeforeEach
  void start() {
    env = Map.of("HOOP_CONFIG_DIR", tmp.resolve("cfg").toString(), "HOME", tmp.toString());
  }

  @Test
  void replayPlaysAnSshRecordingOnStdout() {
    loggedIn();
    broker.on("GET /v1/sessions/s-1", 200, DETAIL).on("GET /v1/sessions/s-1/recording", 200, CAST);
    CliRunner.Result r = hoop("sessions", "replay", "s-1", "--speed", "0");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("$ uptime\r\n 10:00 up 3 days\r\n");
    assertThat(r.err()).contains("Replaying s-1: alice on web-1 (task OPS-7)").contains("80x24");
  }

  private static final String STEP =
      "{\"seq\":1,\"startedAt\":\"2026-12-07T10:00:01Z\",\"durationMicros\":1500,"
          + "\"sql\":\"exec: uptime\",\"parameters\":[],\"rows\":120,"
          + "\"commandTag\":\"exit 0 in=0 out=120\",\"maskedFields\":0,\"blocked\":false,"
          + "\"blockedBy\":\"\",\"error\":\"\"}";

  private static String detail(String engine, String statements) {
    return DETAIL
        .replace(
            "\"dropped\":0}",
            "\"dropped\":0" + (engine == null ? "" : ",\"engine\":\"" + engine + "\"") + "}")
        .replace("\"statements\":[]}", "\"statements\":[" + statements + "]}");
  }

  @Test
  void replayAsJsonGivesStepsAndTheFilteredScreenAtOnce() throws Exception {
    loggedIn();
    String cast = CAST + "[2.0, \"o\", \"\\u001b]0;evil title\\u0007done\"]\n";
    broker
        .on("GET /v1/sessions/s-1", 200, detail("ssh", STEP))
        .on("GET /v1/sessions/s-1/recording", 200, cast);
    CliRunner.Result r = hoop("sessions", "replay", "s-1", "-o", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode doc = io.hoop.api.Json.mapper().readTree(r.out());
    assertThat(doc.at("/session/id").asText()).isEqualTo("s-1");
    assertThat(doc.at("/steps/0/offsetSeconds").asDouble()).isEqualTo(1.0);
    assertThat(doc.at("/steps/0/step/sql").asText()).isEqualTo("exec: uptime");
    assertThat(doc.at("/recording/width").asInt()).isEqualTo(80);
    assertThat(doc.at("/recording/events/1/data").asText()).contains("10:00 up 3 days");
    // The title-setting sequence is left out, as on the screen replay.
    assertThat(doc.at("/recording/events/2/data").asText()).isEqualTo("done");
    assertThat(doc.at("/recording/controlSequencesLeftOut").asInt()).isEqualTo(1);
    CliRunner.Result yaml = hoop("sessions", "replay", "s-1", "-o", "yaml");
    assertThat(yaml.out()).contains("offsetSeconds: 1.0").contains("width: 80");
  }

  @Test
  void replayWithoutRecordingKeepsTheStatementTimeline() {
    loggedIn();
    broker.on("GET /v1/sessions/s-1", 200, detail("ssh", STEP));
    CliRunner.Result r = hoop("sessions", "replay", "s-1", "--no-wait");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Replaying s-1: alice on web-1 (task OPS-7), 1 statements");
    assertThat(r.out()).contains("exec: uptime");
    assertThat(r.err()).contains("has no terminal recording (it opened no terminal)");
  }

  @Test
  void replayOfASessionWithNothingRecordedSaysSo() {
    loggedIn();
    broker.on("GET /v1/sessions/s-1", 200, detail("ssh", ""));
    CliRunner.Result r = hoop("sessions", "replay", "s-1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .contains("session s-1 has nothing to replay: no terminal recording")
        .contains("hoop sessions show s-1");
    assertThat(r.out()).isEmpty();

    broker.reset();
    CliRunner.Result unknown = hoop("sessions", "replay", "s-nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.out()).isEmpty();
  }

  @Test
  void replayOptionsOutOfRangeAreUsageErrorsBeforeAnyRequest() {
    loggedIn();
    String[][] bad = {
      {"--speed", "-1"},
      {"--speed", "NaN"},
      {"--speed", "Infinity"},
      {"--speed", "0.001"},
      {"--speed", "5000"},
      {"--speed", "fast"},
      {"--max-idle", "-1"},
      {"--max-idle", "NaN"},
      {"--max-idle", "1e12"},
    };
    for (String[] b : bad) {
      CliRunner.Result r = hoop("sessions", "replay", "s-1", b[0], b[1]);
      assertThat(r.exitCode()).as(String.join(" ", b)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", b)).contains(b[0]);
    }
    assertThat(broker.requests).isEmpty();
  }

  @Test
  void replayShowsOnlyWhatDrawsTheScreen() {
    loggedIn();
    String e = "\\u001b";
    String hostile =
        "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
            + "[0.1, \"o\", \""
            + e
            + "]0;pwned"
            + "\\u0007"
            + e
            + "[1mbold"
            + e
            + "[0m\"]\n"
            + "[0.2, \"o\", \""
            + e
            + "]52;c;cm0gLXJmIH4="
            + "\\u0007"
            + e
            + "[6n"
            + e
            + "[21t\\r\\n\"]\n";
    broker
        .on("GET /v1/sessions/s-1", 200, DETAIL)
        .on("GET /v1/sessions/s-1/recording", 200, hostile);
    CliRunner.Result r = hoop("sessions", "replay", "s-1", "--speed", "0");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("\u001b[1mbold\u001b[0m\r\n");
    assertThat(r.err()).contains("4 control sequence(s) left out");
    // export keeps the recording as it is.
    CliRunner.Result export = hoop("sessions", "export", "s-1");
    assertThat(export.out()).isEqualTo(hostile);
  }

  @Test
  void replayRefusesHostileCasts() {
    loggedIn();
    String[][] bad = {
      {
        "{\"version\":2,\"width\":80,\"height\":24,\"title\":\""
            + "x".repeat((1 << 20) + 1)
            + "\"}\n",
        "line 1: longer than"
      },
      {"{\"version\": 2, \"width\": 80, \"height\": 24}\n[-5, \"o\", \"x\"]\n", "line 2: the time"},
      {
        "{\"version\": 2, \"width\": 80, \"height\": 24}\n[5, \"o\", \"x\"]\n[1, \"o\", \"y\"]\n",
        "line 3: time 1.0 is before"
      },
      {
        "{\"version\": 2, \"width\": 80, \"height\": 24}\n[1e999, \"o\", \"x\"]\n",
        "line 2: the time"
      },
    };
    for (String[] b : bad) {
      broker
          .on("GET /v1/sessions/s-1", 200, DETAIL)
          .on("GET /v1/sessions/s-1/recording", 200, b[0]);
      CliRunner.Result r = hoop("sessions", "replay", "s-1", "--speed", "0");
      assertThat(r.exitCode()).as(b[1]).isEqualTo(1);
      assertThat(r.err()).contains("is not a valid asciicast v2 file: " + b[1]);
      assertThat(r.out()).isEmpty();
    }
  }

  @Test
  void showLabelsStepsByTheSessionsEngine() {
    loggedIn();
    broker.on("GET /v1/sessions/s-1", 200, detail("ssh", STEP));
    CliRunner.Result ssh = hoop("sessions", "show", "s-1");
    assertThat(ssh.exitCode()).as(ssh.err()).isZero();
    assertThat(ssh.out())
        .contains("BYTES-OUT")
        .contains("COMMAND")
        .doesNotContain("SQL")
        .doesNotContain("MASKED");
    assertThat(ssh.out()).contains("exec: uptime");

    broker.on("GET /v1/sessions/s-1", 200, detail("postgres", ""));
    assertThat(hoop("sessions", "show", "s-1").out()).contains("MASKED").contains("SQL");

    // A broker that does not name the engine: the target's engine now, else a neutral label.
    broker.on("GET /v1/sessions/s-1", 200, detail(null, STEP));
    assertThat(hoop("sessions", "show", "s-1").out()).contains("STEP").doesNotContain("SQL");
    broker.on(
        "GET /v1/targets/web-1/connection",
        200,
        "{\"target\":\"web-1\",\"type\":\"ssh\",\"engine\":\"ssh\",\"roles\":[]}");
    assertThat(hoop("sessions", "show", "s-1").out()).contains("COMMAND");
  }

  @Test
  void exportWritesTheCastAsIsAndRefusesABrokenOne() throws Exception {
    loggedIn();
    broker.on("GET /v1/sessions/s-1/recording", 200, CAST);
    CliRunner.Result r = hoop("sessions", "export", "s-1", "-o", "cast");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(CAST);
    CliRunner.Result toFile =
        hoop("sessions", "export", "s-1", "--file", tmp.resolve("s.cast").toString());
    assertThat(toFile.exitCode()).as(toFile.err()).isZero();
    assertThat(Files.readString(tmp.resolve("s.cast"))).isEqualTo(CAST);

    broker.on("GET /v1/sessions/s-1/recording", 200, "{\"version\":2}\n");
    CliRunner.Result bad = hoop("sessions", "export", "s-1");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("not a valid asciicast v2 file: line 1: width");
    assertThat(bad.out()).isEmpty();

    broker.reset();
    CliRunner.Result none = hoop("sessions", "export", "s-1", "-o", "cast");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).contains("has no terminal recording");
  }

  @Test
  void execFailuresOfHoopsOwnAre255AndNamed() {
    // Not logged in.
    CliRunner.Result r = hoop("exec", "web-1", "--task", "OPS-7", "--", "uptime");
    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.err()).startsWith("hoop: ").contains("[hoop exec: not logged in, exit 255]");
    // A bad command line.
    CliRunner.Result usage = hoop("exec", "web-1", "--", "uptime");
    assertThat(usage.exitCode()).isEqualTo(255);
    assertThat(usage.err()).contains("--task");
    // Not an ssh target: refused before any grant is asked for.
    loggedIn();
    broker.on(
        "GET /v1/targets/demo-db/connection",
        200,
        "{\"target\":\"demo-db\",\"type\":\"postgres\",\"engine\":\"postgres\",\"roles\":[]}");
    CliRunner.Result pg = hoop("exec", "demo-db", "--task", "OPS-7", "--", "select 1");
    assertThat(pg.exitCode()).isEqualTo(255);
    assertThat(pg.err())
        .contains("demo-db is a postgres target: give the SQL with -c SQL or -f FILE")
        .contains("[hoop exec: usage");
    // A raw relay to PostgreSQL has no engine to run SQL through: -c is refused, psql suggested.
    broker.on(
        "GET /v1/targets/raw-db/connection",
        200,
        "{\"target\":\"raw-db\",\"type\":\"postgres\",\"engine\":\"tcp\",\"roles\":[]}");
    CliRunner.Result raw = hoop("exec", "raw-db", "--task", "OPS-7", "-c", "select 1");
    assertThat(raw.exitCode()).isEqualTo(255);
    assertThat(raw.err())
        .contains("relayed by the tcp engine (raw bytes): use hoop connect raw-db")
        .contains("[hoop exec: usage");
    // ssh-only words with SQL, and SQL options on an ssh target, are refused before any grant.
    CliRunner.Result both = hoop("exec", "demo-db", "--task", "OPS-7", "-c", "x", "-f", "y");
    assertThat(both.err()).contains("not both");
    assertThat(broker.requests).noneMatch(q -> q.method().equals("POST"));
  }
}
