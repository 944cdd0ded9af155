package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

  private void loggedIn() {
    ProfileStore store = new ProfileStore(tmp.resolve("cfg/profiles/default"), "default");
    store.saveProfile(new Profile(broker.url(), broker.fingerprint(), null, "https://idp", "cli"));
    store.saveCredentials(
        new Credentials("sess-token", Instant.now().plus(1, ChronoUnit.HOURS), "rt", "alice"));
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

  @Test
  void replayWithoutRecordingKeepsTheStatementTimeline() {
    loggedIn();
    broker.on("GET /v1/sessions/s-1", 200, DETAIL);
    CliRunner.Result r = hoop("sessions", "replay", "s-1", "--no-wait");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Replaying s-1: alice on web-1 (task OPS-7), 0 statements");
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
        .contains("hoop exec runs commands on ssh targets")
        .contains("[hoop exec: usage");
    assertThat(broker.requests).noneMatch(q -> q.method().equals("POST"));
  }
}
