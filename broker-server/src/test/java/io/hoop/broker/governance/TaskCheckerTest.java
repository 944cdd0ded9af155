package io.hoop.broker.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hoop.api.Principal;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.policy.Decision;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jira task check against a local HTTP server answering with Jira-shaped JSON. */
class TaskCheckerTest {
  static final Principal ALICE = new Principal("alice", "alice@acme.test", List.of("eng"), "t");
  static final Decision GRANTED =
      new Decision(
          Decision.Outcome.APPROVED,
          "entitlement e-1 covers",
          Duration.ofMinutes(30),
          "e-1",
          List.of(),
          0);

  @TempDir Path dir;
  HttpServer jira;
  final Map<String, String> issues = new ConcurrentHashMap<>();
  final AtomicInteger calls = new AtomicInteger();
  volatile String lastAuthorization;
  volatile int status = 200;
  volatile long delayMillis;

  @BeforeEach
  void startJira() throws Exception {
    jira = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jira.createContext(
        "/rest/api/2/issue/",
        ex -> {
          calls.incrementAndGet();
          lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          String key = ex.getRequestURI().getPath().substring("/rest/api/2/issue/".length());
          String body = issues.get(key);
          int code = status != 200 ? status : body == null ? 404 : 200;
          byte[] bytes =
              (code == 404
                      ? "{\"errorMessages\":[\"Issue does not exist\"]}"
                      : body == null ? "{}" : body)
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(code, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    jira.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    jira.start();
  }

  @AfterEach
  void stopJira() {
    jira.stop(0);
  }

  static String issue(String key, String status, String assigneeJson) {
    return "{\"key\":\""
        + key
        + "\",\"fields\":{\"status\":{\"name\":\""
        + status
        + "\",\"statusCategory\":{\"key\":\"indeterminate\"}},\"assignee\":"
        + assigneeJson
        + "}}";
  }

  static String user(String name, String email, String display) {
    return "{\"name\":\""
        + name
        + "\",\"key\":\""
        + name
        + "\",\"emailAddress\":\""
        + email
        + "\",\"displayName\":\""
        + display
        + "\",\"accountId\":\"5b10a2844c20165700ede21g\"}";
  }

  BrokerConfig config(int port, String user, String onUnavailable, String timeout)
      throws Exception {
    Path token =
        Files.createFile(
            dir.resolve("jira-" + System.nanoTime() + ".token"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(token, "s3cret-token\n");
    return ConfigLoader.parse(
        "test",
        """
        jira: {baseUrl: "http://127.0.0.1:%d/", tokenFile: %s, %s timeout: %s}
        targets:
          - name: prod-db
            type: tcp
            address: 127.0.0.1:5432
            reviewers: [dba]
            task: {pattern: "^[A-Z][A-Z0-9]+-[0-9]+$", jira: {statuses: [In Progress, In Review], assignedToRequester: true}, onUnavailable: %s}
        """
            .formatted(
                port, token, user == null ? "" : "user: " + user + ",", timeout, onUnavailable),
        true);
  }

  Decision check(BrokerConfig cfg, TaskChecker checker, String task) {
    TargetConfig t = cfg.target("prod-db").orElseThrow();
    return checker.check(cfg.jira(), t, task, ALICE, GRANTED);
  }

  Decision check(String task) throws Exception {
    return check(
        config(jira.getAddress().getPort(), null, "deny", "2s"),
        new TaskChecker(Clock.systemUTC()),
        task);
  }

  @Test
  void anIssueInAnAllowedStatusAssignedToTheRequesterKeepsPolicysDecisionAndIsCached()
      throws Exception {
    issues.put("OPS-1", issue("OPS-1", "in progress", user("alice", "ALICE@acme.test", "Alice A")));
    BrokerConfig cfg = config(jira.getAddress().getPort(), null, "deny", "2s");
    TaskChecker checker = new TaskChecker(Clock.systemUTC());
    assertThat(check(cfg, checker, "OPS-1")).isEqualTo(GRANTED);
    assertThat(check(cfg, checker, "OPS-1")).isEqualTo(GRANTED);
    assertThat(calls.get()).isEqualTo(1);
    assertThat(lastAuthorization).isEqualTo("Bearer s3cret-token");
  }

  @Test
  void aClosedIssueIsDeniedNamingItsStatusAndTheAllowedOnes() throws Exception {
    issues.put("OPS-2", issue("OPS-2", "Done", user("alice", "alice@acme.test", "Alice A")));
    Decision d = check("OPS-2");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENIED);
    assertThat(d.reason())
        .isEqualTo("task OPS-2 is 'Done' in Jira; access needs one of: In Progress, In Review");
    assertThat(d.duration()).isZero();
  }

  @Test
  void anIssueAssignedToSomeoneElseIsDeniedNamingTheAssignee() throws Exception {
    issues.put("OPS-3", issue("OPS-3", "In Review", user("bob", "bob@acme.test", "Bob Jones")));
    Decision d = check("OPS-3");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENIED);
    assertThat(d.reason()).isEqualTo("task OPS-3 is assigned to Bob Jones in Jira, not to alice");
  }

  @Test
  void anUnassignedIssueIsDenied() throws Exception {
    issues.put("OPS-4", issue("OPS-4", "In Progress", "null"));
    assertThat(check("OPS-4").reason())
        .isEqualTo("task OPS-4 is unassigned in Jira; assign it to alice first");
  }

  @Test
  void theRequesterMatchesByUsernameWhenJiraHidesTheEmail() throws Exception {
    issues.put(
        "OPS-5", issue("OPS-5", "In Progress", "{\"name\":\"alice\",\"displayName\":\"A\"}"));
    assertThat(check("OPS-5")).isEqualTo(GRANTED);
  }

  @Test
  void aMissingIssueIsDeniedAndNotCached() throws Exception {
    BrokerConfig cfg = config(jira.getAddress().getPort(), null, "review", "2s");
    TaskChecker checker = new TaskChecker(Clock.systemUTC());
    Decision d = check(cfg, checker, "JIRA-9");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENIED);
    assertThat(d.reason()).isEqualTo("task JIRA-9 does not exist in Jira");
    issues.put("JIRA-9", issue("JIRA-9", "In Progress", user("alice", "alice@acme.test", "Alice")));
    assertThat(check(cfg, checker, "JIRA-9")).isEqualTo(GRANTED);
  }

  @Test
  void aJiraErrorFollowsTheTargetPolicyDenyOrReviewNeverGrant() throws Exception {
    status = 503;
    Decision denied = check("OPS-6");
    assertThat(denied.outcome()).isEqualTo(Decision.Outcome.DENIED);
    assertThat(denied.reason())
        .isEqualTo(
            "task OPS-6 could not be checked in Jira (Jira answered HTTP 503); target prod-db denies requests it cannot check");
    BrokerConfig cfg = config(jira.getAddress().getPort(), "bot@acme.test", "review", "2s");
    Decision pending = check(cfg, new TaskChecker(Clock.systemUTC()), "OPS-6");
    assertThat(pending.outcome()).isEqualTo(Decision.Outcome.PENDING);
    assertThat(pending.reviewers()).containsExactly("dba");
    assertThat(pending.approvalsRequired()).isEqualTo(1);
    assertThat(pending.duration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(pending.reason())
        .contains("sends such requests to reviewers: needs 1 approval from dba");
    assertThat(lastAuthorization)
        .isEqualTo(
            "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString("bot@acme.test:s3cret-token".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rejectedCredentialsAreAJiraFailureNotTheRequestersFault() throws Exception {
    status = 401;
    assertThat(check("OPS-7").reason())
        .contains("Jira refused the broker's credentials with HTTP 401");
  }

  @Test
  void aSlowJiraTimesOutWithinTheConfiguredBudget() throws Exception {
    delayMillis = 3000;
    BrokerConfig cfg = config(jira.getAddress().getPort(), null, "review", "1s");
    long t0 = System.nanoTime();
    Decision d = check(cfg, new TaskChecker(Clock.systemUTC()), "OPS-8");
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(took).isLessThan(2500);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.PENDING);
    assertThat(d.reason())
        .startsWith(
            "task OPS-8 could not be checked in Jira (Jira at http://127.0.0.1:"
                + jira.getAddress().getPort()
                + " did not answer within 1000 ms)");
  }

  @Test
  void aJiraThatIsDownIsUnavailable() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Decision d =
        check(config(closed, null, "deny", "2s"), new TaskChecker(Clock.systemUTC()), "OPS-9");
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENIED);
    assertThat(d.reason())
        .contains("cannot reach Jira at http://127.0.0.1:" + closed + ": ConnectException");
  }

  @Test
  void policysDenialIsFinalAndJiraIsNotAsked() throws Exception {
    BrokerConfig cfg = config(jira.getAddress().getPort(), null, "deny", "2s");
    Decision denied =
        new Decision(Decision.Outcome.DENIED, "no entitlement", Duration.ZERO, null, List.of(), 0);
    assertThat(
            new TaskChecker(Clock.systemUTC())
                .check(cfg.jira(), cfg.target("prod-db").orElseThrow(), "OPS-1", ALICE, denied))
        .isEqualTo(denied);
    assertThat(calls.get()).isZero();
  }
}
