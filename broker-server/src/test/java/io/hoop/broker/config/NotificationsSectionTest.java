package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationsSectionTest {
  @TempDir Path dir;

  private static BrokerConfig parse(String notifications) throws ConfigException {
    return ConfigLoader.parse("t.yaml", "notifications:\n" + notifications, true);
  }

  @Test
  void absentSectionMeansNoWebhooksAndDefaults() throws Exception {
    NotificationsSection n = ConfigLoader.parse("t.yaml", "", true).notifications();
    assertThat(n.webhooks()).isEmpty();
    assertThat(n.expiringBefore()).isEqualTo(Duration.ofMinutes(10));
    assertThat(n.attempts()).isEqualTo(5);
    assertThat(n.backoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(n.wants(Event.PENDING)).isFalse();
  }

  @Test
  void parsesWebhooksWithFormatsEventsAndSecret() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s3cret\n");
    NotificationsSection n =
        parse(
                """
              expiringBefore: 15m
              attempts: 3
              backoff: 2s
              webhooks:
                - name: ops
                  url: https://hooks.example.test/T000/B000/XXXXSECRET
                  format: slack
                  events: [pending, expiring]
                - name: siem
                  url: http://127.0.0.1:9000/hoop
                  secretFile: %s
            """
                    .formatted(secret))
            .notifications();
    assertThat(n.expiringBefore()).isEqualTo(Duration.ofMinutes(15));
    assertThat(n.attempts()).isEqualTo(3);
    assertThat(n.backoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(n.webhooks()).hasSize(2);
    NotificationsSection.Webhook ops = n.webhooks().get(0);
    assertThat(ops.format()).isEqualTo(Format.SLACK);
    assertThat(ops.events()).containsExactlyInAnyOrder(Event.PENDING, Event.EXPIRING);
    assertThat(ops.secret()).isEmpty();
    NotificationsSection.Webhook siem = n.webhooks().get(1);
    assertThat(siem.format()).isEqualTo(Format.JSON);
    assertThat(siem.events()).isEqualTo(EnumSet.allOf(Event.class));
    assertThat(siem.secret()).contains("s3cret");
    // Neither the Slack URL (a credential) nor the secret shows in logs.
    assertThat(n.toString()).doesNotContain("XXXXSECRET").doesNotContain("s3cret");
    assertThat(n.wants(Event.DENIED)).isTrue();
  }

  @Test
  void plainHttpIsOnlyForLoopbackAndTheUrlIsNeverEchoed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                      webhooks:
                        - name: a
                          url: http://hooks.example.test/T0/SECRETPATH
                    """))
        .hasMessageStartingWith("t.yaml: notifications.webhooks[0].url: scheme http")
        .hasMessageNotContaining("SECRETPATH");
    assertThatThrownBy(
            () ->
                parse(
                    """
                      webhooks:
                        - name: a
                          url: ftp://127.0.0.1/x
                    """))
        .hasMessageContaining("notifications.webhooks[0].url");
    assertThatThrownBy(() -> parse("  webhooks:\n    - name: a\n"))
        .hasMessage("t.yaml: notifications.webhooks[0].url: missing");
  }

  @Test
  void errorsNameTheKey() {
    String hook = "  webhooks:\n    - name: a\n      url: https://h.test/x\n";
    assertThatThrownBy(() -> parse(hook + "      format: xml\n"))
        .hasMessage(
            "t.yaml: notifications.webhooks[0].format: 'xml' is not a format; expected json or"
                + " slack");
    assertThatThrownBy(() -> parse(hook + "      events: [pending, granted]\n"))
        .hasMessageStartingWith(
            "t.yaml: notifications.webhooks[0].events[1]: 'granted' is not an event");
    assertThatThrownBy(() -> parse(hook + "      events: [pending, pending]\n"))
        .hasMessageStartingWith("t.yaml: notifications.webhooks[0].events[1]: duplicate");
    assertThatThrownBy(() -> parse(hook + "      events: []\n"))
        .hasMessageStartingWith("t.yaml: notifications.webhooks[0].events: empty");
    assertThatThrownBy(() -> parse(hook + "      secretFile: /nonexistent/hoop-secret\n"))
        .hasMessageStartingWith(
            "t.yaml: notifications.webhooks[0].secretFile: cannot read /nonexistent/hoop-secret");
    assertThatThrownBy(() -> parse(hook + "      colour: red\n"))
        .hasMessageStartingWith("t.yaml: notifications.webhooks[0].colour: unknown key");
    assertThatThrownBy(() -> parse(hook + "    - name: a\n      url: https://h.test/y\n"))
        .hasMessage("t.yaml: notifications.webhooks[1].name: duplicate webhook 'a'");
    assertThatThrownBy(() -> parse(hook + "    - name: Bad Name\n      url: https://h.test/y\n"))
        .hasMessageStartingWith("t.yaml: notifications.webhooks[1].name: 'Bad Name'");
    assertThatThrownBy(() -> parse("  expiringBefore: soon\n"))
        .hasMessageStartingWith("t.yaml: notifications.expiringBefore: ");
    assertThatThrownBy(() -> parse("  attempts: 0\n"))
        .hasMessage("t.yaml: notifications.attempts: 0 is out of range; expected 1-10");
  }

  @Test
  void anEmptySecretFileIsRefused() throws Exception {
    Path secret = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(
            () ->
                parse(
                    "  webhooks:\n    - name: a\n      url: https://h.test/x\n      secretFile: "
                        + secret
                        + "\n"))
        .hasMessageContaining("notifications.webhooks[0].secretFile: ")
        .hasMessageContaining("is empty");
  }
}
