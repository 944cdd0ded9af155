package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String GOOD =
      """
      listen: 127.0.0.1:0
      sessionTtl: 2h
      devIdp:
        pollInterval: 1s
        users:
          - username: alice
            groups: [engineering]
      targets:
        - name: prod-db
          type: postgres
          address: db.internal:5432
          maxDuration: 2h
        - name: cache
          type: tcp
          address: "[::1]:6379"
      entitlements:
        - group: engineering
          targets: [prod-db]
          maxDuration: 30m
        - principal: alice
          targets: [cache]
      """;

  @Test
  void parsesAValidFileWithDefaults() throws Exception {
    BrokerConfig c = ConfigLoader.parse("t.yaml", GOOD, true);
    assertThat(c.sessionTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.target("prod-db").orElseThrow().host()).isEqualTo("db.internal");
    assertThat(c.target("prod-db").orElseThrow().port()).isEqualTo(5432);
    assertThat(c.target("prod-db").orElseThrow().defaultDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(c.target("cache").orElseThrow().host()).isEqualTo("::1");
    assertThat(c.target("cache").orElseThrow().maxDuration()).isEqualTo(Duration.ofHours(8));
    assertThat(c.entitlements().get(0).maxDuration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.devIdp().users()).hasSize(1);
    assertThat(c.devIdp().pollInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void emptyDevConfigHasTheDefaultUsers() throws Exception {
    BrokerConfig c = ConfigLoader.parse("dev", "", true);
    assertThat(c.devIdp().users())
        .extracting(u -> u.username())
        .containsExactly("alice", "bob", "audrey");
    assertThat(c.listen()).isEqualTo("127.0.0.1:8443");
  }

  @Test
  void unknownKeyIsNamedWithItsPath() {
    String bad = GOOD.replace("address: db.internal:5432", "adress: db.internal:5432");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: targets[0].adress: unknown key")
        .hasMessageContaining("address");
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "listn: 1.2.3.4:5\n", true))
        .hasMessageStartingWith("t.yaml: listn: unknown key");
  }

  @Test
  void badDurationIsNamedWithItsPath() {
    String bad = GOOD.replace("maxDuration: 2h", "maxDuration: 2 hours");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .hasMessageStartingWith("t.yaml: targets[0].maxDuration: '2 hours' is not a duration");
  }

  @Test
  void zeroDurationIsRefused() {
    String bad = GOOD.replace("sessionTtl: 2h", "sessionTtl: 0s");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .hasMessage("t.yaml: sessionTtl: must be longer than 0s");
  }

  @Test
  void duplicateTargetIsNamed() {
    String bad = GOOD.replace("name: cache", "name: prod-db");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .hasMessageStartingWith(
            "t.yaml: targets[1].name: duplicate target 'prod-db' (already defined at targets[0])");
  }

  @Test
  void entitlementToUnknownTargetIsNamed() {
    String bad = GOOD.replace("targets: [cache]", "targets: [cache, nope]");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .hasMessageStartingWith("t.yaml: entitlements[1].targets[1]: unknown target 'nope'");
  }

  @Test
  void entitlementNeedsExactlyOneSubject() {
    String bad = GOOD.replace("- principal: alice", "- principal: alice\n    group: ops");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .hasMessage("t.yaml: entitlements[1]: needs exactly one of 'principal' or 'group'");
  }

  @Test
  void badAddressAndTypeAreNamed() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse("t.yaml", GOOD.replace("db.internal:5432", "db.internal"), true))
        .hasMessage("t.yaml: targets[0].address: 'db.internal' is not host:port");
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", GOOD.replace("db.internal:5432", "db:99999"), true))
        .hasMessage("t.yaml: targets[0].address: port 99999 is out of range 1-65535");
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", GOOD.replace("type: tcp", "type: telnet"), true))
        .hasMessageStartingWith("t.yaml: targets[1].type: 'telnet' is not a target type");
  }

  @Test
  void wrongShapeIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "targets: oops\n", true))
        .hasMessageStartingWith("t.yaml: targets: invalid value");
  }

  @Test
  void listWhereTextBelongsIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "targets:\n  - name: [a, b]\n", true))
        .hasMessage("t.yaml: targets[0].name: invalid value: expected a single value (text)");
  }

  @Test
  void malformedYamlSaysWhere() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", "targets:\n  - name: \"unclosed\n  x: [\n", true))
        .hasMessageStartingWith("t.yaml: not valid YAML")
        .hasMessageContaining("line");
  }

  @Test
  void productionModeNeedsAnIdentityProvider() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", GOOD, false))
        .hasMessageStartingWith("t.yaml: identity: missing");
    String prod =
        GOOD + "identity:\n  issuer: https://idp.example.com/realms/eng\n  clientId: hoop-cli\n";
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", prod.replace("https://idp", "http://idp"), false))
        .hasMessageContaining("identity.issuer");
  }

  @Test
  void oversizedFileIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("big.yaml");
    Files.write(f, new byte[ConfigLoader.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> ConfigLoader.load(f, true)).hasMessageContaining("expected at most");
  }

  @Test
  void aliasBombIsRefused() {
    StringBuilder sb = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'k'; c++) {
      sb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        sb.append(i == 0 ? "" : ",").append('*').append(prev);
      }
      sb.append("]\n");
      prev = c;
    }
    assertThatThrownBy(() -> ConfigLoader.parse("bomb.yaml", sb.toString(), true))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void governanceDefaults() throws Exception {
    BrokerConfig c = ConfigLoader.parse("t.yaml", GOOD, true);
    TargetConfig t = c.target("prod-db").orElseThrow();
    assertThat(t.reviewers()).isEmpty();
    assertThat(t.approvals()).isEqualTo(1);
    assertThat(t.onNoEntitlement()).isEqualTo(TargetConfig.OnNoEntitlement.DENY);
    assertThat(t.pendingTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(t.taskPattern()).isEqualTo("^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,127}$");
    assertThat(t.breakGlass()).isFalse();
    assertThat(c.reviewPeriod()).isEqualTo(Duration.ofDays(90));
    assertThat(c.entitlements().get(0).reviewedBy()).isEmpty();
    assertThat(c.entitlements().get(0).reviewExpiresAt()).isEmpty();
  }

  static final String GOVERNED =
      GOOD.replace(
                  "    maxDuration: 2h\n",
                  """
                  maxDuration: 2h
                  reviewers: [dba, security]
                  approvals: 2
                  onNoEntitlement: review
                  pendingTimeout: 15m
                  task:
                    pattern: "^[A-Z]+-[0-9]+$"
                  breakGlass: true
              """)
              .replace(
                  "    maxDuration: 30m\n",
                  """
                  maxDuration: 30m
                  reviewedBy: carol
                  reviewedAt: 2026-01-01T00:00:00Z
                  reviewExpiresAt: 2026-04-01T00:00:00Z
              """)
          + "reviewPeriod: 30d\n";

  @Test
  void parsesGovernanceKeys() throws Exception {
    BrokerConfig c = ConfigLoader.parse("t.yaml", GOVERNED, true);
    TargetConfig t = c.target("prod-db").orElseThrow();
    assertThat(t.reviewers()).containsExactly("dba", "security");
    assertThat(t.approvals()).isEqualTo(2);
    assertThat(t.onNoEntitlement()).isEqualTo(TargetConfig.OnNoEntitlement.REVIEW);
    assertThat(t.pendingTimeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(t.taskPattern()).isEqualTo("^[A-Z]+-[0-9]+$");
    assertThat(t.breakGlass()).isTrue();
    assertThat(c.reviewPeriod()).isEqualTo(Duration.ofDays(30));
    EntitlementConfig e = c.entitlements().get(0);
    assertThat(e.reviewedBy()).contains("carol");
    assertThat(e.reviewedAt()).contains(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(e.reviewExpiresAt()).contains(java.time.Instant.parse("2026-04-01T00:00:00Z"));
  }

  @Test
  void governanceErrorsNameTheKey() {
    assertGovernedError(
        "approvals: 2",
        "approvals: 0",
        "t.yaml: targets[0].approvals: 0 is out of range; expected 1-20");
    assertGovernedError(
        "approvals: 2",
        "approvals: two",
        "t.yaml: targets[0].approvals: invalid value: expected a whole number");
    assertGovernedError(
        "onNoEntitlement: review",
        "onNoEntitlement: maybe",
        "t.yaml: targets[0].onNoEntitlement: 'maybe' is not allowed; expected deny or review");
    assertGovernedError(
        "reviewers: [dba, security]",
        "reviewers: []",
        "t.yaml: targets[0].onNoEntitlement: 'review' needs reviewers: list the groups that"
            + " approve requests in targets[0].reviewers");
    assertGovernedError(
        "reviewers: [dba, security]",
        "reviewers: [dba, dba]",
        "t.yaml: targets[0].reviewers[1]: duplicate group 'dba'");
    assertGovernedError(
        "pendingTimeout: 15m",
        "pendingTimeout: soon",
        "t.yaml: targets[0].pendingTimeout: 'soon' is not a duration");
    assertGovernedError(
        "pattern: \"^[A-Z]+-[0-9]+$\"",
        "pattern: \"^[A-Z+$\"",
        "t.yaml: targets[0].task.pattern: '^[A-Z+$' is not a regular expression");
    assertGovernedError(
        "reviewExpiresAt: 2026-04-01T00:00:00Z",
        "reviewExpiresAt: next spring",
        "t.yaml: entitlements[0].reviewExpiresAt: 'next spring' is not an ISO instant");
    assertGovernedError(
        "reviewExpiresAt: 2026-04-01T00:00:00Z",
        "reviewExpiresAt: 2025-04-01T00:00:00Z",
        "t.yaml: entitlements[0].reviewExpiresAt: 2025-04-01T00:00:00Z must be after reviewedAt");
    assertGovernedError(
        "    reviewedBy: carol\n", "", "t.yaml: entitlements[0].reviewedBy: missing");
    assertGovernedError(
        "reviewPeriod: 30d", "reviewPeriod: 0s", "t.yaml: reviewPeriod: must be longer than 0s");
    assertGovernedError(
        "breakGlass: true", "breakGlass: [x]", "t.yaml: targets[0].breakGlass: invalid value");
  }

  @Test
  void duplicateEntitlementOfOneSubjectOnOneTargetIsNamed() {
    String bad = GOOD.replace("targets: [cache]", "targets: [cache, cache]");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", bad, true))
        .hasMessage(
            "t.yaml: entitlements[1].targets[1]: duplicate entitlement for principal alice on"
                + " target 'cache' (already in entitlements[1])");
  }

  private static void assertGovernedError(String from, String to, String expected) {
    assertThat(GOVERNED).contains(from);
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", GOVERNED.replace(from, to), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(expected);
  }

  @Test
  void everyProblemIsReportedAtOnceAtItsLineAndColumn() {
    String yaml =
        """
        listen: nowhere
        targets:
          - name: a
            address: db.internal
            type: tcp
            colour: blue
          - name: b
            address: b.internal:22
            type: telnet
          - name: c
            address: c.internal:5432
            type: tcp
            maxDuration: forever
        entitlements:
          - principal: alice
            targets: [a, b, nope]
        reviewPeriod: 0s
        """;
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("t.yaml", yaml, true));
    assertThat(e.located().stream().map(l -> l.replaceAll(" \\((known keys|use e\\.g\\.).*", "")))
        .containsExactly(
            "t.yaml:1:1: listen: 'nowhere' is not host:port",
            "t.yaml:6:5: targets[0].colour: unknown key",
            "t.yaml:4:5: targets[0].address: 'db.internal' is not host:port",
            "t.yaml:9:5: targets[1].type: 'telnet' is not a target type; expected one of"
                + " [http, kubernetes, postgres, ssh, tcp]",
            "t.yaml:13:5: targets[2].maxDuration: 'forever' is not a duration",
            "t.yaml:16:21: entitlements[0].targets[2]: unknown target 'nope'; defined: [a, b, c]",
            "t.yaml:17:1: reviewPeriod: must be longer than 0s");
    assertThat(e.problems()).hasSize(7).allMatch(p -> p.startsWith("t.yaml: "));
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
  }

  @Test
  void unknownKeysAreAllNamedAndTheRestStillChecked() {
    String yaml =
        """
        listn: 1.2.3.4:5
        targets:
          - name: a
            adress: db:1
            type: tcp
        sesionTtl: 5m
        """;
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("t.yaml", yaml, true));
    assertThat(e.located())
        .anyMatch(l -> l.startsWith("t.yaml:1:1: listn: unknown key (known keys: "))
        .anyMatch(l -> l.startsWith("t.yaml:6:1: sesionTtl: unknown key"))
        .anyMatch(l -> l.startsWith("t.yaml:4:5: targets[0].adress: unknown key"))
        .anyMatch(l -> l.startsWith("t.yaml:3:5: targets[0].address: missing"));
  }

  @Test
  void aSyntaxErrorSaysLineColumnAndWhatItInterrupted() {
    String yaml = "listen: 127.0.0.1:0\ntargets:\n  - name: a\n    address: x:1\n   type: tcp\n";
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("t.yaml", yaml, true));
    assertThat(e.located()).hasSize(1);
    assertThat(e.located().get(0))
        .startsWith("t.yaml:5:4: not valid YAML: ")
        .contains("line 3, column 3");
    assertThat(e.getMessage()).startsWith("t.yaml: not valid YAML: ");
  }

  @Test
  void hostileInputGivesProblemsNotCrashes() {
    for (String yaml :
        new String[] {
          "targets: [[[[[[",
          "targets:\n  - !!java.lang.Runtime {}\n",
          "a: &x [*x]\n",
          "targets:\n" + "  - name: a\n".repeat(2),
          "? [a, b]\n: c\n",
          "\u0000\u0001",
          "targets:\n  - name: a\n    address: ':::'\n    type: tcp\n".repeat(3)
        }) {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> ConfigLoader.parse("t.yaml", yaml, true));
      assertThat(e).as(yaml).isNotNull();
      assertThat(e.located()).as(yaml).isNotEmpty().allMatch(l -> l.startsWith("t.yaml"));
    }
  }
}
