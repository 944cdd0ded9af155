package io.hoop.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.api.Json;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import io.hoop.tunnel.tls.Tls;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each hostile handshake is refused with a precise code, and the broker keeps serving. */
class HostileHandshakeTest {
  @TempDir Path dir;
  TunnelHarness harness;

  @BeforeEach
  void start() throws Exception {
    // No port unification: every connection reaches the tunnel decoder, garbage included. A
    // handshake timeout far above a cold JVM's first TLS handshake on a busy machine, so only the
    // test of the timeout meets it (with its own short one).
    harness = new TunnelHarness(dir, Duration.ofSeconds(20), false);
  }

  @AfterEach
  void goodClientIsStillServed() throws Exception {
    try {
      RecordingListener listener = new RecordingListener();
      TunnelClient client = harness.client("good", listener);
      try (Socket socket = Sockets.connect(client.localAddress())) {
        socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(Sockets.readExactly(socket.getInputStream(), 4))
            .isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));
      }
    } finally {
      harness.close();
    }
  }

  @Test
  void garbageInsteadOfMagic() throws Exception {
    HandshakeReply reply = exchange("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertRefused(reply, "bad_handshake");
    assertThat(reply.error().message()).contains("HOOP").contains("47455420");
  }

  @Test
  void zeroLength() throws Exception {
    HandshakeReply reply = exchange(frame(0, new byte[0]));
    assertRefused(reply, "bad_handshake");
    assertThat(reply.error().message()).contains("length 0");
  }

  @Test
  void tenMegabyteLengthIsRefusedBeforeTheBodyIsSent() throws Exception {
    // Only the header is sent: a reply proves the server did not wait for 10 MB.
    HandshakeReply reply = exchange(frame(10 * 1024 * 1024, new byte[0]));
    assertRefused(reply, "handshake_too_large");
    assertThat(reply.error().message()).contains("10485760").contains("65536");
  }

  @Test
  void truncatedHandshakeTimesOut() throws Exception {
    harness.close();
    harness = new TunnelHarness(dir, Duration.ofMillis(300), false);
    long start = System.nanoTime();
    HandshakeReply reply = exchange(frame(100, new byte[10]));
    assertRefused(reply, "handshake_timeout");
    assertThat(reply.error().message()).contains("300ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void malformedJsonDoesNotEchoTheBody() throws Exception {
    HandshakeReply reply =
        exchange(frame(-1, "{\"grantToken\": secret-value".getBytes(StandardCharsets.UTF_8)));
    assertRefused(reply, "bad_handshake");
    assertThat(reply.error().message()).doesNotContain("secret-value").contains("JSON");
  }

  @Test
  void missingSessionToken() throws Exception {
    HandshakeReply reply =
        exchange(frame(-1, "{\"grantToken\":\"good\"}".getBytes(StandardCharsets.UTF_8)));
    assertRefused(reply, "bad_handshake");
    assertThat(reply.error().message()).contains("sessionToken");
  }

  @Test
  void authorizerRejectionCodePassesThrough() throws Exception {
    harness.authorizer =
        (handshake, remote) -> {
          throw new TunnelRejectedException("grant_revoked", "grant g-9 was revoked by bob");
        };
    HandshakeReply reply = exchange(validHandshake());
    assertRefused(reply, "grant_revoked");
    assertThat(reply.error().message()).isEqualTo("grant g-9 was revoked by bob");
    restoreDefaultAuthorizer();
  }

  @Test
  void authorizerFailureFailsClosedWithoutDetails() throws Exception {
    harness.authorizer =
        (handshake, remote) -> {
          throw new IllegalStateException("database password=hunter2 unreachable");
        };
    HandshakeReply reply = exchange(validHandshake());
    assertRefused(reply, "internal_error");
    assertThat(reply.error().message())
        .doesNotContain("hunter2")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    restoreDefaultAuthorizer();
  }

  private void restoreDefaultAuthorizer() {
    harness.authorizer =
        (handshake, remote) -> harness.grant(handshake, "g-1", Instant.now().plusSeconds(3600));
  }

  private void assertRefused(HandshakeReply reply, String code) {
    assertThat(reply.ok()).isFalse();
    assertThat(reply.error().code()).isEqualTo(code);
    assertThat(reply.error().message()).isNotBlank();
    // Audit events are delivered off the event loop, possibly after the reply.
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(harness.events.ofType("rejected"))
                    .extracting(e -> e.code())
                    .contains(code));
  }

  private static byte[] validHandshake() {
    return frame(
        -1, "{\"grantToken\":\"good\",\"sessionToken\":\"s\"}".getBytes(StandardCharsets.UTF_8));
  }

  /** Magic + length + body; length -1 means the body's real length. */
  private static byte[] frame(int length, byte[] body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write("HOOP".getBytes(StandardCharsets.US_ASCII));
      out.writeInt(length < 0 ? body.length : length);
      out.write(body);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends raw bytes inside TLS and reads the broker's reply, which must be followed by close. */
  private HandshakeReply exchange(byte[] bytes) throws Exception {
    try (Socket plain = Sockets.connect(new InetSocketAddress("localhost", harness.broker.port()));
        SSLSocket socket =
            (SSLSocket)
                Tls.jdkClientPinned(harness.fingerprint())
                    .getSocketFactory()
                    .createSocket(plain, "localhost", harness.broker.port(), true)) {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      HandshakeReply reply = Json.mapper().readValue(json, HandshakeReply.class);
      assertThat(in.read()).as("connection closed after the refusal").isEqualTo(-1);
      return reply;
    }
  }
}
