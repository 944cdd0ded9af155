package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * README's exit-code table is the contract: the codes it lists are the ones {@code hoop --help}
 * lists, and each one is what real commands return for that kind of outcome, whichever command
 * meets it (a refusal is 3 from connect and from approve alike).
 */
class ExitCodeTableTest extends FakeBrokerCase {
  private static final String ERROR = "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}";

  /** Codes whose outcomes only {@code hoop exec} over ssh produces: its ITs walk them. */
  private static final Set<Integer> EXEC_ONLY = Set.of(126, 255);

  private record Case(String what, Consumer<FakeBroker> broker, boolean loggedIn, String[] args) {}

  @BeforeEach
  void start() {
    env = Map.of("HOOP_CONFIG_DIR", tmp.resolve("cfg").toString(), "HOME", tmp.toString());
  }

  private static Set<Integer> readmeCodes() throws Exception {
    Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
    String text = Files.readString(readme);
    String section = text.substring(text.indexOf("\n## Exit codes"));
    section = section.substring(0, section.indexOf("\n## ", 5));
    Set<Integer> codes = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(section);
    while (m.find()) {
      codes.add(Integer.parseInt(m.group(1)));
    }
    return codes;
  }

  @Test
  void readmeAndHelpListTheSameCodes() throws Exception {
    Set<Integer> help = new TreeSet<>();
    Matcher m =
        Pattern.compile("(?m)^  (\\d+)  \\S").matcher(String.format(ExitCodes.HELP_SECTION));
    while (m.find()) {
      help.add(Integer.parseInt(m.group(1)));
    }
    assertThat(readmeCodes()).isNotEmpty().isEqualTo(help);
  }

  @Test
  void everyCodeInTheTableIsWhatCommandsReturnForItsKindOfOutcome() throws Exception {
    Map<Integer, List<Case>> walk =
        Map.of(
            0,
            List.of(new Case("version", b -> {}, false, args("version"))),
            1,
            List.of(
                new Case(
                    "a broker failure",
                    b -> b.on("GET /v1/targets", 500, String.format(ERROR, "internal", "boom")),
                    true,
                    args("targets"))),
            2,
            List.of(
                new Case("an unknown option", b -> {}, false, args("connect", "--bogus")),
                new Case("an unknown command", b -> {}, false, args("frobnicate", "--help"))),
            3,
            List.of(
                new Case(
                    "a request already decided",
                    b ->
                        b.on(
                            "POST /v1/grants/g-1/approve",
                            409,
                            String.format(ERROR, "not_pending", "g-1 is APPROVED, not pending")),
                    true,
                    args("approve", "g-1")),
                new Case(
                    "a task id off the target's pattern",
                    b ->
                        b.on(
                            "POST /v1/grants",
                            400,
                            String.format(ERROR, "bad_task", "task id does not match")),
                    true,
                    args("connect", "prod-db", "--task", "nope", "--new")),
                new Case(
                    "an unknown role",
                    b ->
                        b.on(
                            "POST /v1/grants",
                            400,
                            String.format(ERROR, "unknown_role", "no role 'root'")),
                    true,
                    args("connect", "prod-db", "--task", "T-1", "--role", "root", "--new")),
                new Case(
                    "denied by policy",
                    b ->
                        b.on(
                            "POST /v1/grants",
                            200,
                            "{\"id\":\"g-7\",\"target\":\"prod-db\",\"status\":\"DENIED\"}"),
                    true,
                    args("connect", "prod-db", "--task", "T-1", "--new")),
                new Case(
                    "not a reviewer",
                    b ->
                        b.on(
                            "POST /v1/grants/g-2/deny",
                            403,
                            String.format(ERROR, "not_a_reviewer", "not a reviewer of prod-db")),
                    true,
                    args("deny", "g-2", "--reason", "no"))),
            4,
            List.of(
                new Case(
                    "pending approval",
                    b ->
                        b.on(
                            "POST /v1/grants",
                            200,
                            "{\"id\":\"g-8\",\"target\":\"prod-db\",\"status\":\"PENDING\"}"),
                    true,
                    args("connect", "prod-db", "--task", "T-1", "--no-wait", "--new"))),
            5,
            List.of(
                new Case(
                    "a revoked grant",
                    b ->
                        b.on(
                            "GET /v1/grants/g-5",
                            200,
                            "{\"id\":\"g-5\",\"target\":\"prod-db\",\"status\":\"REVOKED\","
                                + "\"approvedAt\":\"2026-01-01T00:00:00Z\"}"),
                    true,
                    args("connect", "--request", "g-5"))),
            6,
            List.of(new Case("not logged in", b -> {}, false, args("targets"))));
    List<String> wrong = new ArrayList<>();
    for (int code : readmeCodes()) {
      if (EXEC_ONLY.contains(code)) {
        continue;
      }
      assertThat(walk).as("a command walking exit code " + code).containsKey(code);
      for (Case c : walk.get(code)) {
        broker.reset();
        store().deleteCredentials();
        if (c.loggedIn()) {
          loggedIn();
        }
        c.broker().accept(broker);
        CliRunner.Result r = hoop(c.args());
        if (r.exitCode() != code) {
          wrong.add(c.what() + ": exit " + r.exitCode() + ", README says " + code + ": " + r.err());
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static String[] args(String... args) {
    return args;
  }
}
