package io.hoop.broker.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Format;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookPayloadsTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  private static Grant grant(GrantStatus status, String decidedBy, String reason) {
    return new Grant(
        "g-abc",
        "prod-db",
        "postgres",
        null,
        "alice",
        "OPS-7",
        reason,
        status,
        status == GrantStatus.PENDING ? "no current review" : "because",
        T,
        status == GrantStatus.APPROVED ? T.plusSeconds(60) : null,
        status == GrantStatus.APPROVED ? T.plusSeconds(3660) : null,
        "secret-grant-token",
        decidedBy,
        List.of(new Approval("bob", T.plusSeconds(30), "ok", 0)),
        1,
        List.of("dba"));
  }

  @Test
  void jsonBodyCarriesEventGrantAndTimeButNeverTheToken() throws Exception {
    byte[] body =
        WebhookPayloads.body(
            Format.JSON, Event.APPROVED, grant(GrantStatus.APPROVED, "bob", null), T);
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("secret-grant-token");
    JsonNode n = Json.mapper().readTree(body);
    assertThat(n.path("event").asText()).isEqualTo("approved");
    assertThat(n.path("at").asText()).isEqualTo("2026-03-01T10:00:00Z");
    JsonNode g = n.path("grant");
    assertThat(g.path("id").asText()).isEqualTo("g-abc");
    assertThat(g.path("target").asText()).isEqualTo("prod-db");
    assertThat(g.path("principal").asText()).isEqualTo("alice");
    assertThat(g.path("task").asText()).isEqualTo("OPS-7");
    assertThat(g.path("status").asText()).isEqualTo("APPROVED");
    assertThat(g.path("expiresAt").asText()).isEqualTo("2026-03-01T11:01:00Z");
    assertThat(g.path("approvals").get(0).path("approver").asText()).isEqualTo("bob");
    assertThat(g.has("token")).isFalse();
  }

  @Test
  void slackPendingNamesTheApproveCommandInOneLine() throws Exception {
    JsonNode n =
        Json.mapper()
            .readTree(
                WebhookPayloads.body(
                    Format.SLACK, Event.PENDING, grant(GrantStatus.PENDING, null, "fix it"), T));
    assertThat(n.path("text").asText())
        .isEqualTo(
            "alice requests access to prod-db (task OPS-7): \"fix it\" - approve with: hoop"
                + " approve g-abc")
        .doesNotContain("\n");
    assertThat(n.path("blocks").get(0).path("type").asText()).isEqualTo("section");
    assertThat(n.path("blocks").get(0).path("text").path("type").asText()).isEqualTo("mrkdwn");
    assertThat(n.path("blocks").toString()).contains("`hoop approve g-abc`");
    assertThat(n.path("blocks").get(2).path("type").asText()).isEqualTo("context");
    assertThat(n.toString()).doesNotContain("secret-grant-token");
  }

  @Test
  void slackSummariesForEachDecision() {
    assertThat(WebhookPayloads.summary(Event.APPROVED, grant(GrantStatus.APPROVED, "bob", null)))
        .isEqualTo(
            "alice's access to prod-db (task OPS-7) was approved by bob, expires"
                + " 2026-03-01T11:01:00Z");
    assertThat(WebhookPayloads.summary(Event.DENIED, grant(GrantStatus.DENIED, "bob", null)))
        .isEqualTo("alice's request for prod-db (task OPS-7) was denied by bob: because");
    assertThat(WebhookPayloads.summary(Event.REVOKED, grant(GrantStatus.REVOKED, null, null)))
        .isEqualTo("alice's access to prod-db (task OPS-7) was revoked by policy: because");
    assertThat(WebhookPayloads.summary(Event.EXPIRING, grant(GrantStatus.APPROVED, "bob", null)))
        .isEqualTo("alice's access to prod-db (task OPS-7) expires at 2026-03-01T11:01:00Z");
  }

  @Test
  void requesterTextCannotPingAChannelOrBreakTheLine() throws Exception {
    JsonNode n =
        Json.mapper()
            .readTree(
                WebhookPayloads.body(
                    Format.SLACK,
                    Event.PENDING,
                    grant(GrantStatus.PENDING, null, "<!channel> urgent\nsecond & line"),
                    T));
    String text = n.path("text").asText();
    assertThat(text).contains("&lt;!channel&gt; urgent second &amp; line").doesNotContain("<!");
    assertThat(n.path("blocks").toString()).doesNotContain("<!channel>");
  }

  @Test
  void signatureIsHmacSha256OfTheBody() {
    // RFC 4231 test case 2.
    assertThat(
            WebhookPayloads.signature(
                "Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void aHoldIsSentExactlyInJsonAndEscapedForSlack() throws Exception {
    io.hoop.api.HeldOperation h =
        new io.hoop.api.HeldOperation(
            "h-abc",
            "s-1",
            "g-abc",
            "alice",
            "box",
            "OPS-7",
            "exec",
            "rm <!channel> `x`\n\u001b[2J",
            "roles.ops.exec.review[0]",
            io.hoop.api.HoldStatus.PENDING,
            T,
            T.plusSeconds(300),
            null,
            null,
            null);
    JsonNode json = Json.mapper().readTree(WebhookPayloads.holdBody(Format.JSON, h, T));
    assertThat(json.path("event").asText()).isEqualTo("hold");
    assertThat(json.path("hold").path("operation").asText()).isEqualTo(h.operation());
    String slack = new String(WebhookPayloads.holdBody(Format.SLACK, h, T), StandardCharsets.UTF_8);
    JsonNode s = Json.mapper().readTree(slack);
    assertThat(s.path("text").asText())
        .isEqualTo(
            "alice's exec operation waits for a reviewer on box (task OPS-7, rule"
                + " roles.ops.exec.review[0]) - approve with: hoop approve h-abc");
    String code = s.path("blocks").get(1).path("text").path("text").asText();
    assertThat(code).isEqualTo("```rm &lt;!channel&gt; 'x'\\n\\u001b[2J```");
    assertThat(slack).doesNotContain("<!channel>");
  }
}
