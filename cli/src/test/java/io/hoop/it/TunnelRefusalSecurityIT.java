package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.AuditEvent;
import io.hoop.api.Grant;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every refused tunnel is audited with what the broker verified: the caller when its session and
 * proof held, the grant when its token's signature held, whose genuine session token was used
 * without its key ({@code claimedPrincipal}), the remote address and the reason. What an attacker
 * can write into a token that does not verify is never recorded as a principal or a grant.
 */
class TunnelRefusalSecurityIT {
  static EchoServer echo;
  static BrokerFixture broker;
  static String alice;
  static String bob;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              users:
                - {username: alice, groups: [engineering]}
                - {username: bob, groups: [engineering]}
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
            entitlements:
              - group: engineering
                targets: [echo]
                maxDuration: 1h
            """
                .formatted(echo.port()));
    alice = broker.login("alice");
    bob = broker.login("bob");
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
    echo.close();
  }

  @Test
  void anotherUsersGrantNamesTheCallerAndTheGrant() throws Exception {
    Grant alices = grant(alice, "REF-1");
    Grant bobs = grant(bob, "REF-0");
    refused(broker.handshake(alices.token(), bob), "not_your_grant");
    AuditEvent e = lastRejection();
    assertThat(e.principal()).isEqualTo(bobs.principal());
    assertThat(e.grantId()).isEqualTo(alices.id());
    assertThat(e.details())
        .containsEntry("reason", "not_your_grant")
        .containsKey("remote")
        .doesNotContainKey("claimedPrincipal");
  }

  @Test
  void aStolenSessionTokenWithoutItsKeyIsRecordedAsClaimedNotAsThePrincipal() throws Exception {
    Grant g = grant(alice, "REF-2");
    // Alice's genuine tokens, but no proof of possession of her key.
    refused(new Handshake(g.token(), alice, null), null);
    AuditEvent e = lastRejection();
    assertThat(e.principal()).isNull();
    assertThat(e.grantId()).isEqualTo(g.id());
    assertThat(e.details()).containsEntry("claimedPrincipal", g.principal()).containsKey("remote");
    // And a proof signed by another key (bob's session's proof for alice's token) likewise.
    refused(new Handshake(g.token(), alice, broker.handshake(g.token(), bob).proof()), null);
    AuditEvent wrongKey = lastRejection();
    assertThat(wrongKey.principal()).isNull();
    assertThat(wrongKey.details()).containsEntry("claimedPrincipal", g.principal());
  }

  @Test
  void aTamperedGrantTokenNamesTheCallerButNoGrant() throws Exception {
    Grant g = grant(alice, "REF-3");
    String[] parts = g.token().split("\\.");
    // Same header and signature, a payload naming another grant: the signature fails.
    String forged =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    ("{\"jti\":\"g-someone-else\",\"sub\":\"" + g.principal() + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + parts[2];
    Handshake proofed = broker.handshake(g.token(), alice);
    refused(new Handshake(forged, alice, proofed.proof()), null);
    AuditEvent e = lastRejection();
    assertThat(e.grantId()).isNull();
    assertThat(String.valueOf(e.details())).doesNotContain("g-someone-else");
  }

  @Test
  void aForgedSessionTokenRecordsNoPrincipalAtAll() throws Exception {
    Grant g = grant(alice, "REF-4");
    String[] parts = alice.split("\\.");
    String forged =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    "{\"sub\":\"mallory-the-admin\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + parts[2];
    refused(new Handshake(g.token(), forged, null), null);
    AuditEvent e = lastRejection();
    assertThat(e.principal()).isNull();
    assertThat(e.grantId()).isEqualTo(g.id());
    assertThat(String.valueOf(e.details())).doesNotContain("mallory");
  }

  @Test
  void aRevokedGrantNamesCallerGrantAndTarget() throws Exception {
    Grant g = grant(alice, "REF-5");
    String revoked =
        broker.send(
            "POST",
            "/v1/grants/" + g.id() + "/revoke",
            "{\"reason\":\"done early\"}",
            "application/json",
            alice);
    assertThat(Json.mapper().readValue(revoked, Grant.class).status())
        .as("revoked: %s", revoked)
        .isEqualTo(io.hoop.api.GrantStatus.REVOKED);
    refused(broker.handshake(g.token(), alice), null);
    AuditEvent e = lastRejection();
    assertThat(e.principal()).isEqualTo(g.principal());
    assertThat(e.grantId()).isEqualTo(g.id());
    assertThat(e.target()).isEqualTo("echo");
    assertThat(e.details().get("reason")).asString().startsWith("grant_");
  }

  private static Grant grant(String session, String task) throws IOException {
    return Json.mapper()
        .readValue(
            broker.send(
                "POST",
                "/v1/grants",
                "{\"target\":\"echo\",\"task\":\"" + task + "\",\"durationSeconds\":600}",
                "application/json",
                session),
            Grant.class);
  }

  private static long lastSeq;

  private static void refused(Handshake handshake, String code) throws IOException {
    lastSeq = rejections().stream().mapToLong(AuditEvent::seq).max().orElse(0);
    HandshakeReply reply;
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.frame(Json.mapper().writeValueAsBytes(handshake));
      reply = t.reply();
    }
    assertThat(reply.ok()).as("refused").isFalse();
    if (code != null) {
      assertThat(reply.error().code()).isEqualTo(code);
    }
  }

  private static AuditEvent lastRejection() {
    List<AuditEvent> after =
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> rejections().stream().filter(e -> e.seq() > lastSeq).toList(),
                list -> !list.isEmpty());
    assertThat(after).hasSize(1);
    AuditEvent e = after.get(0);
    assertThat(e.details().get("remote")).asString().contains("127.0.0.1");
    assertThat(e.details()).containsKey("message");
    return e;
  }

  private static List<AuditEvent> rejections() {
    return broker.server().audit().list(0, 10_000, null, null).stream()
        .filter(e -> e.type().equals("tunnel.rejected"))
        .toList();
  }
}
