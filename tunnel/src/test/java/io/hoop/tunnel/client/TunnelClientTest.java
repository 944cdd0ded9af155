package io.hoop.tunnel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hoop.api.ApiError;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.testing.EchoServer;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import io.hoop.tunnel.tls.Tls;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelClientTest {
  @TempDir Path dir;
  TunnelHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new TunnelHarness(dir);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void bytesRoundTripAndHalfCloseReachesTheTarget() throws Exception {
    RecordingListener listener = new RecordingListener();
    TunnelClient client = harness.client("good", listener);
    try (Socket socket = Sockets.connect(client.localAddress())) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write("hello".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(Sockets.readExactly(in, 5), StandardCharsets.US_ASCII))
          .isEqualTo("hello");
      HandshakeReply reply = listener.opened.poll(2, TimeUnit.SECONDS);
      assertThat(reply).isNotNull();
      assertThat(reply.grantId()).isEqualTo("g-1");
      assertThat(reply.target()).isEqualTo("demo");

      // Half-close: the target must see EOF and still be able to answer.
      socket.shutdownOutput();
      assertThat(Sockets.readAll(in)).isEqualTo(EchoServer.TRAILER);
    }
    assertThat(harness.echo.eofsSeen()).isEqualTo(1);
    RecordingListener.Closed closed = listener.closed.poll(2, TimeUnit.SECONDS);
    assertThat(closed).isNotNull();
    assertThat(closed.notice()).isNull();
    assertThat(closed.bytesUp()).isEqualTo(5);
    assertThat(closed.bytesDown()).isEqualTo(5 + EchoServer.TRAILER.length);
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(harness.events.ofType("closed"))
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.bytesUp()).isEqualTo(5);
                          assertThat(e.bytesDown()).isEqualTo(9);
                          assertThat(e.code()).isEqualTo("upstream_closed");
                        }));
    assertThat(harness.events.events.get(0).type()).isEqualTo("opened");
    await().atMost(Duration.ofSeconds(2)).until(() -> client.activeConnections() == 0);
    assertThat(harness.tunnels.activeTunnels()).isZero();
  }

  @Test
  void abortingTheLocalSocketClosesTheTunnel() throws Exception {
    RecordingListener listener = new RecordingListener();
    TunnelClient client = harness.client("good", listener);
    try (Socket socket = Sockets.connect(client.localAddress())) {
      // Linger 0 makes close() send RST: a real disconnect rather than a half-close.
      socket.setSoLinger(true, 0);
      socket.getOutputStream().write(1);
      assertThat(socket.getInputStream().read()).isEqualTo(1);
      assertThat(client.activeConnections()).isEqualTo(1);
      await().until(() -> harness.tunnels.activeTunnels() == 1);
    }
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(harness.events.ofType("closed"))
                    .singleElement()
                    .extracting(e -> e.code())
                    .isEqualTo("client_closed"));
    assertThat(harness.tunnels.activeTunnels()).isZero();
  }

  @Test
  void refusedHandshakeClosesTheLocalSocketAndReportsTheError() throws Exception {
    RecordingListener listener = new RecordingListener();
    TunnelClient client = harness.client("bad-token", listener);
    try (Socket socket = Sockets.connect(client.localAddress())) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    ApiError error = listener.refused.poll(2, TimeUnit.SECONDS);
    assertThat(error).isNotNull();
    assertThat(error.code()).isEqualTo("grant_invalid");
    assertThat(error.message()).isEqualTo("grant token is not valid");
    await().until(() -> harness.events.ofType("rejected").size() == 1);
    assertThat(harness.echo.accepted()).isZero();
  }

  @Test
  void unreachableUpstreamIsRefusedNamingTargetAndAddress() throws Exception {
    InetSocketAddress closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }
    InetSocketAddress target = closedPort;
    harness.authorizer =
        (handshake, remote) ->
            new TunnelAuthorization(
                "s-x",
                "g-1",
                "alice",
                "demo",
                "T-1",
                "tcp",
                target,
                Instant.now().plusSeconds(60),
                EngineSettings.none());
    RecordingListener listener = new RecordingListener();
    TunnelClient client = harness.client("good", listener);
    try (Socket socket = Sockets.connect(client.localAddress())) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    ApiError error = listener.refused.poll(6, TimeUnit.SECONDS);
    assertThat(error).isNotNull();
    assertThat(error.code()).isEqualTo("upstream_unreachable");
    assertThat(error.message()).contains("target demo").contains(String.valueOf(target.getPort()));
  }

  @Test
  void portInUseFailsWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(
              () ->
                  TunnelClient.start(
                      TunnelClientConfig.of(
                          "localhost",
                          harness.broker.port(),
                          Tls.clientPinned(harness.fingerprint()),
                          port,
                          () -> null,
                          null)))
          .isInstanceOf(BindException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + port)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void configRejectsBadPorts() {
    assertThatThrownBy(
            () ->
                TunnelClientConfig.of(
                    "localhost", 0, Tls.clientPinned(harness.fingerprint()), 0, () -> null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("brokerPort 0");
  }
}
