package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken tunnel handshakes against a real broker: each is refused with its own code and
 * a clear message, and a good client is served right after.
 */
class TunnelHandshakeIT {
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
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [engineering]
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

  private String grantToken(String session, int seconds) throws IOException {
    String body =
        broker.send(
            "POST",
            "/v1/grants",
            "{\"target\":\"echo\",\"task\":\"SEC-1\",\"durationSeconds\":" + seconds + "}",
            "application/json",
            session);
    return (String) Json.mapper().readValue(body, Map.class).get("token");
  }

  private HandshakeReply handshake(Handshake h) throws IOException {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.frame(Json.mapper().writeValueAsBytes(h));
      HandshakeReply r = t.reply();
      if (!r.ok()) {
        assertThat(t.closedByBroker()).as("connection closed after refusal").isTrue();
      }
      return r;
    }
  }

  /** The broker still serves: a good handshake relays bytes through to the echo target. */
  private void assertStillServes() throws IOException {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.frame(Json.mapper().writeValueAsBytes(broker.handshake(grantToken(alice, 60), alice)));
      HandshakeReply r = t.reply();
      assertThat(r.ok()).isTrue();
      byte[] hello = "ping".getBytes(StandardCharsets.UTF_8);
      t.out.writeByte(1);
      t.out.writeInt(hello.length);
      t.out.write(hello);
      t.out.flush();
      DataInputStream in = t.in;
      assertThat(in.readByte()).isEqualTo((byte) 1);
      byte[] back = new byte[in.readInt()];
      in.readFully(back);
      assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("ping");
    }
  }

  @Test
  void goodHandshakeRelays() throws Exception {
    assertStillServes();
  }

  @Test
  void noTokensAreRefused() throws Exception {
    HandshakeReply r = handshake(broker.handshake(null, null));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().message()).isNotBlank();
    assertStillServes();
  }

  @Test
  void missingGrantTokenIsRefused() throws Exception {
    HandshakeReply r = handshake(broker.handshake(null, alice));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().message()).contains("grantToken");
    assertStillServes();
  }

  @Test
  void garbageTokenIsRefused() throws Exception {
    HandshakeReply r = handshake(broker.handshake("not.a.jwt", alice));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("bad_grant_token");
    assertThat(r.error().message()).contains("grant token").doesNotContain("not.a.jwt");
    assertStillServes();
  }

  @Test
  void expiredGrantTokenIsRefused() throws Exception {
    String token = grantToken(alice, 1);
    Thread.sleep(1500);
    HandshakeReply r = handshake(broker.handshake(token, alice));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("grant_expired");
    assertThat(r.error().message()).contains("expired");
    assertStillServes();
  }

  @Test
  void anotherUsersGrantIsRefused() throws Exception {
    String alicesGrant = grantToken(alice, 60);
    HandshakeReply r = handshake(broker.handshake(alicesGrant, bob));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("not_your_grant");
    assertThat(r.error().message()).contains("bob");
    assertStillServes();
  }

  @Test
  void sessionTokenInPlaceOfGrantIsRefused() throws Exception {
    HandshakeReply r = handshake(broker.handshake(alice, alice));
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("bad_grant_token");
    assertStillServes();
  }

  @Test
  void malformedJsonIsRefused() throws Exception {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.frame("{\"grantToken\": [".getBytes(StandardCharsets.UTF_8));
      HandshakeReply r = t.reply();
      assertThat(r.ok()).isFalse();
      assertThat(r.error().code()).isEqualTo("bad_handshake");
    }
    assertStillServes();
  }

  @Test
  void tenMegabyteFrameIsRefusedBeforeItIsRead() throws Exception {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.out.writeInt(10 * 1024 * 1024);
      t.out.write(new byte[1024]);
      t.out.flush();
      HandshakeReply r = t.reply();
      assertThat(r.ok()).isFalse();
      assertThat(r.error().code()).isEqualTo("handshake_too_large");
      assertThat(r.error().message()).contains("10485760");
      assertThat(t.closedByBroker()).isTrue();
    }
    assertStillServes();
  }

  @Test
  void truncatedFrameTimesOutWithAReply() throws Exception {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.out.writeInt(100);
      t.out.write(new byte[10]);
      t.out.flush();
      // Meanwhile another client is served: one stuck handshake blocks nobody.
      assertStillServes();
      HandshakeReply r = t.reply();
      assertThat(r.ok()).isFalse();
      assertThat(r.error().code()).isEqualTo("handshake_timeout");
    }
    assertStillServes();
  }

  @Test
  void zeroLengthFrameIsRefused() throws Exception {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.out.writeInt(0);
      t.out.flush();
      HandshakeReply r = t.reply();
      assertThat(r.ok()).isFalse();
      assertThat(r.error().code()).isEqualTo("bad_handshake");
    }
    assertStillServes();
  }

  @Test
  void rejectionsAreAudited() throws Exception {
    handshake(broker.handshake("garbage", alice));
    assertThat(broker.server().audit().list(0, 1000, null, null))
        .anyMatch(e -> e.type().equals("tunnel.rejected"));
  }
}
