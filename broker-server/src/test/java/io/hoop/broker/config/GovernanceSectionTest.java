package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jira section, task checks, stages and break-glass keys of the config. */
class GovernanceSectionTest {
  @TempDir Path dir;

  Path token(String mode) throws Exception {
    Path p = dir.resolve("jira-" + mode + ".token");
    Files.writeString(p, "tok\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  static BrokerConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse("t.yaml", yaml, true);
  }

  static String target(String extra) {
    return """
        targets:
          - name: prod-db
            type: tcp
            address: 127.0.0.1:5432
        """
        + extra.indent(4);
  }

  @Test
  void theDocumentedExampleLoadsWithItsDefaults() throws Exception {
    BrokerConfig c =
        parse(
            "jira: {baseUrl: https://acme.atlassian.net/, tokenFile: "
                + token("rw-------")
                + ", user: bot@acme.com}\n"
                + target(
                    """
                    reviewers: [dba]
                    task: {pattern: "^[A-Z][A-Z0-9]+-[0-9]+$", jira: {statuses: [In Progress, In Review], assignedToRequester: true}, onUnavailable: review}
                    breakGlass: {maxDuration: 30m}
                    """));
    GovernanceSection.Jira j = c.jira().orElseThrow();
    assertThat(j.baseUrl().toString()).isEqualTo("https://acme.atlassian.net");
    assertThat(j.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(j.token()).isEqualTo("tok");
    assertThat(j.toString()).doesNotContain("tok\"").contains("<redacted>");
    TargetConfig t = c.target("prod-db").orElseThrow();
    assertThat(t.taskPattern()).isEqualTo("^[A-Z][A-Z0-9]+-[0-9]+$");
    assertThat(t.rules().jira().orElseThrow().statuses())
        .containsExactly("In Progress", "In Review");
    assertThat(t.rules().onTaskCheckUnavailable())
        .isEqualTo(GovernanceSection.OnUnavailable.REVIEW);
    assertThat(t.breakGlass()).isTrue();
    assertThat(t.rules().breakGlassMaxDuration()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aTokenFileReadableByOthersIsRefused() throws Exception {
    assertThatThrownBy(
            () -> parse("jira: {baseUrl: https://j.test, tokenFile: " + token("rw-r--r--") + "}\n"))
        .hasMessageContaining("jira.tokenFile")
        .hasMessageContaining("expected mode 0600");
  }

  @Test
  void plainHttpIsOnlyForLoopback() throws Exception {
    assertThatThrownBy(
            () ->
                parse(
                    "jira: {baseUrl: http://jira.acme.test, tokenFile: "
                        + token("rw-------")
                        + "}\n"))
        .hasMessageContaining("jira.baseUrl: 'http://jira.acme.test' must use https");
  }

  @Test
  void aJiraCheckNeedsTheJiraSectionAndReviewNeedsReviewers() {
    assertThatThrownBy(() -> parse(target("task: {jira: {statuses: [Open]}}")))
        .hasMessageContaining("targets[0].task.jira: needs the top-level jira section");
    assertThatThrownBy(() -> parse(target("task: {onUnavailable: review}")))
        .hasMessageContaining("targets[0].task.onUnavailable: 'review' needs reviewers");
    assertThatThrownBy(() -> parse(target("task: {onUnavailable: allow}")))
        .hasMessageContaining("'allow' is not allowed; expected deny or review");
    assertThatThrownBy(() -> parse(target("task: {patern: x}")))
        .hasMessageContaining("targets[0].task.patern: unknown key");
  }

  @Test
  void stagesReplaceReviewersAndApprovals() throws Exception {
    TargetConfig t =
        parse(
                target(
                    "stages: [{groups: [dba], approvals: 1}, {groups: [security, audit], approvals: 2}]\n"
                        + "onNoEntitlement: review"))
            .target("prod-db")
            .orElseThrow();
    assertThat(t.reviewers()).containsExactly("dba", "security", "audit");
    assertThat(t.approvals()).isEqualTo(3);
    assertThat(t.stages()).hasSize(2);
    assertThat(t.stages().get(1).groups()).containsExactly("security", "audit");
    assertThatThrownBy(() -> parse(target("reviewers: [dba]\nstages: [{groups: [dba]}]")))
        .hasMessageContaining(
            "targets[0].stages: use either reviewers/approvals (one stage) or stages");
    assertThatThrownBy(() -> parse(target("stages: [{approvals: 1}]")))
        .hasMessageContaining("targets[0].stages[0].groups: missing");
  }

  @Test
  void singleStageTargetsKeepTheirReviewersAsOneStage() throws Exception {
    TargetConfig t =
        parse(target("reviewers: [dba, security]\napprovals: 2")).target("prod-db").orElseThrow();
    assertThat(t.stages())
        .containsExactly(new GovernanceSection.Stage(java.util.List.of("dba", "security"), 2));
    assertThat(t.breakGlass()).isFalse();
  }

  @Test
  void breakGlassIsABooleanOrAMappingWithMaxDuration() throws Exception {
    assertThat(
            parse(target("reviewers: [dba]\nbreakGlass: true"))
                .target("prod-db")
                .orElseThrow()
                .rules()
                .breakGlassMaxDuration())
        .isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> parse(target("reviewers: [dba]\nbreakGlass: {max: 1h}")))
        .hasMessageContaining("targets[0].breakGlass.max: unknown key");
    assertThatThrownBy(() -> parse(target("breakGlass: true")))
        .hasMessageContaining("targets[0].breakGlass: needs reviewers");
    assertThatThrownBy(() -> parse(target("breakGlass: [1]")))
        .hasMessageContaining("targets[0].breakGlass: invalid value");
  }

  @Test
  void holdTimeoutDefaultsToFiveMinutesAndIsBounded() throws Exception {
    assertThat(parse(target("")).target("prod-db").orElseThrow().rules().holdTimeout())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(
            parse(target("holdTimeout: 90s")).target("prod-db").orElseThrow().rules().holdTimeout())
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(
            parse(target("holdTimeout: 1h")).target("prod-db").orElseThrow().rules().holdTimeout())
        .isEqualTo(Duration.ofHours(1));
    for (String bad : new String[] {"5s", "61m", "0s"}) {
      assertThatThrownBy(() -> parse(target("holdTimeout: " + bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("targets[0].holdTimeout")
          .hasMessageContaining("between 10s and 1h");
    }
    assertThatThrownBy(() -> parse(target("holdTimeout: soon")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets[0].holdTimeout");
  }
}
