package io.hoop.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.api.Json;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.protocol.Keepalive;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.hoop.tunnel.testing.FreezableProxy;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import io.hoop.tunnel.tls.Tls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tunnel whose client vanished ends with its upstream connection: at once when the connection
 * drops (with or without a half-close first), at the dead-peer timeout when the client falls silent
 * with its socket open. The client here is a raw TLS socket, so it does exactly that.
 */
class DeadPeerIT {
  private static final Keepalive SHORT =
      new Keepalive(Duration.ofMillis(300), Duration.ofSeconds(1));

  @TempDir Path dir;
  TunnelHarness harness;
  HoldingServer upstream;

  @BeforeEach
  void start() throws Exception {
    harness = new TunnelHarness(dir, Duration.ofSeconds(10), true, SHORT);
    upstream = new HoldingServer();
    harness.authorizer = authorizer();
  }

  private TunnelAuthorizer authorizer() {
    return (handshake, remote) -> {
      if (!handshake.grantToken().equals("good")) {
        throw new TunnelRejectedException("grant_invalid", "grant token is not valid");
      }
      return new TunnelAuthorization(
          "s-1",
          "g-1",
          "alice",
          "demo",
          "T-1",
          "tcp",
          upstream.address(),
          Instant.now().plusSeconds(3600),
          EngineSettings.none());
    };
  }

  @AfterEach
  void stop() throws IOException {
    upstream.close();
    harness.close();
  }

  @Test
  void aClientThatDropsItsConnectionWithoutCloseEndsTheTunnelAtOnce() throws Exception {
    try (SSLSocket client = open(true)) {
      awaitUpstreamConnected();
      client.setSoLinger(true, 0);
    }
    assertEndsWith("client_disconnected", Duration.ofMillis(700));
  }

  @Test
  void aDroppedConnectionIsSeenAtOnceNotAtTheNextPing() throws Exception {
    harness.close();
    Path slow = java.nio.file.Files.createDirectories(dir.resolve("slow"));
    harness = new TunnelHarness(slow, Duration.ofSeconds(10), true, Keepalive.DEFAULT);
    harness.authorizer = authorizer();
    try (SSLSocket client = open(true)) {
      awaitUpstreamConnected();
      client.setSoLinger(true, 0);
    }
    // Well under the 10 s PING interval: the FIN itself is noticed, not a failed PING.
    assertEndsWith("client_disconnected", Duration.ofSeconds(2));
  }

  @Test
  void aClientThatLeavesWhileBeingAuthorizedGetsNoUpstreamConnection() throws Exception {
    TunnelAuthorizer slow = authorizer();
    harness.authorizer =
        (handshake, remote) -> {
          try {
            Thread.sleep(500);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return slow.authorize(handshake, remote);
        };
    try (SSLSocket client = handshake(true)) {
      client.getOutputStream().flush();
      Thread.sleep(100);
    }
    Thread.sleep(1_000);
    assertThat(upstream.accepted()).isZero();
    assertThat(harness.tunnels.activeTunnels()).isZero();
  }

  @Test
  void aClientThatHalfClosesThenDisconnectsEndsTheTunnelAtOnce() throws Exception {
    // The upstream keeps its side open after the EOF (as a TCP service may): only the client's
    // disconnect can end the tunnel, and it must be noticed although nothing more is relayed.
    try (SSLSocket client = open(true)) {
      awaitUpstreamConnected();
      frame(client, TunnelProtocol.FRAME_EOF);
      await().atMost(Duration.ofSeconds(2)).until(() -> upstream.eofs() == 1);
      Thread.sleep(200);
      assertThat(harness.tunnels.activeTunnels()).isEqualTo(1);
    }
    assertEndsWith("client_disconnected", Duration.ofMillis(700));
  }

  @Test
  void anUpstreamThatDoesNotReadIsClosedSoonAfterItsClientWentAway() throws Exception {
    // The upstream reads nothing: what the client sent can never be flushed to it, so waiting
    // for the flush would keep it open for good.
    upstream.reading = false;
    SSLSocket client = open(true);
    awaitUpstreamConnected();
    Thread writer =
        new Thread(
            () -> {
              try {
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 256; i++) {
                  out.writeByte(TunnelProtocol.FRAME_DATA);
                  out.writeInt(chunk.length);
                  out.write(chunk);
                }
              } catch (IOException e) {
                // The socket is aborted under it.
              }
            },
            "flooding-client");
    writer.setDaemon(true);
    writer.start();
    Thread.sleep(1_000);
    client.setSoLinger(true, 0);
    client.close();
    assertEndsWith("client_disconnected", Duration.ofSeconds(4));
    writer.join(5_000);
  }

  @Test
  void aSilentClientWithItsSocketOpenIsCutAtTheDeadPeerTimeout() throws Exception {
    try (SSLSocket client = open(true)) {
      awaitUpstreamConnected();
      long start = System.nanoTime();
      // Like a stopped process: the socket stays open, nothing is sent, nothing is read.
      Thread.sleep(SHORT.deadPeerTimeout().toMillis() / 2);
      assertThat(harness.tunnels.activeTunnels()).as("alive before the timeout").isEqualTo(1);
      await().atMost(Duration.ofSeconds(3)).until(() -> !harness.events.ofType("closed").isEmpty());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(tookMillis).isLessThanOrEqualTo(SHORT.deadPeerTimeout().toMillis() + 500);
      assertEndsWith("client_unresponsive", Duration.ofMillis(500));
      assertThat(client.isClosed()).isFalse();
    }
  }

  @Test
  void aClientThatOnlySendsPingsStaysConnected() throws Exception {
    try (SSLSocket client = open(true)) {
      awaitUpstreamConnected();
      for (int i = 0; i < 12; i++) {
        frame(client, TunnelProtocol.FRAME_PING);
        Thread.sleep(250);
      }
      assertThat(harness.events.ofType("closed")).isEmpty();
      // And the broker pinged this idle client in the meantime.
      DataInputStream in = new DataInputStream(client.getInputStream());
      assertThat(in.readByte()).isEqualTo(TunnelProtocol.FRAME_PING);
      assertThat(in.readInt()).isZero();
      assertThat(upstream.closed()).isZero();
    }
  }

  @Test
  void aNetworkCutIsSeenByBothEnds() throws Exception {
    try (FreezableProxy cut =
        new FreezableProxy(new InetSocketAddress("localhost", harness.broker.port()))) {
      RecordingListener listener = new RecordingListener();
      TunnelClient client =
          TunnelClient.start(
              TunnelClientConfig.of(
                  "localhost",
                  cut.port(),
                  Tls.clientPinned(harness.fingerprint()),
                  0,
                  () -> new Handshake("good", "session-token"),
                  listener));
      try (Socket local = Sockets.connect(client.localAddress())) {
        local.getOutputStream().write(1);
        awaitUpstreamConnected();
        long start = System.nanoTime();
        cut.freeze();
        // The broker cuts the client and its upstream; the client drops the broker and tells why.
        RecordingListener.Closed closed = listener.closed.poll(5, TimeUnit.SECONDS);
        assertThat(closed).isNotNull();
        assertThat(closed.notice().code()).isEqualTo("broker_unresponsive");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
            .isLessThanOrEqualTo(SHORT.deadPeerTimeout().toMillis() + 1_000);
        assertThat(local.getInputStream().read()).as("local connection closed").isEqualTo(-1);
        assertEndsWith("client_unresponsive", Duration.ofSeconds(2));
      } finally {
        client.close();
      }
    }
  }

  @Test
  void aClientWithoutKeepalivesIsRefusedAndTheRefusalNamesWhoItWas() throws Exception {
    HandshakeReply reply;
    try (SSLSocket client = handshake(false)) {
      reply = reply(client);
    }
    assertThat(reply.ok()).isFalse();
    assertThat(reply.error().code()).isEqualTo("keepalive_required");
    assertThat(upstream.accepted()).isZero();
    await().atMost(Duration.ofSeconds(2)).until(() -> !harness.events.rejectedParties.isEmpty());
    assertThat(harness.events.rejectedParties)
        .containsExactly(new TunnelParty("alice", "g-1", "demo", null));
  }

  @Test
  void theReplyNamesTheKeepalive() throws Exception {
    try (SSLSocket client = handshake(true)) {
      HandshakeReply reply = reply(client);
      assertThat(reply.ok()).isTrue();
      assertThat(reply.keepaliveMillis()).isEqualTo(300);
      assertThat(reply.deadPeerMillis()).isEqualTo(1000);
    }
  }

  private void assertEndsWith(String reason, Duration within) {
    await()
        .atMost(within)
        .untilAsserted(
            () -> {
              assertThat(harness.events.ofType("closed"))
                  .singleElement()
                  .extracting(e -> e.code())
                  .isEqualTo(reason);
              assertThat(upstream.closed()).as("upstream connection closed").isEqualTo(1);
            });
    assertThat(harness.tunnels.activeTunnels()).isZero();
  }

  private void awaitUpstreamConnected() {
    await().atMost(Duration.ofSeconds(2)).until(() -> upstream.accepted() == 1);
    await().atMost(Duration.ofSeconds(2)).until(() -> harness.tunnels.activeTunnels() == 1);
  }

  private SSLSocket open(boolean keepalive) throws Exception {
    SSLSocket socket = handshake(keepalive);
    HandshakeReply reply = reply(socket);
    assertThat(reply.ok()).as("accepted: %s", reply.error()).isTrue();
    return socket;
  }

  private SSLSocket handshake(boolean keepalive) throws Exception {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("localhost", harness.broker.port()), 2000);
    plain.setSoTimeout(5000);
    SSLSocket socket =
        (SSLSocket)
            Tls.jdkClientPinned(harness.fingerprint())
                .getSocketFactory()
                .createSocket(plain, "localhost", harness.broker.port(), true);
    byte[] json =
        Json.mapper().writeValueAsBytes(new Handshake("good", "session-token", null, keepalive));
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.write(TunnelProtocol.MAGIC);
    out.writeInt(json.length);
    out.write(json);
    out.flush();
    return socket;
  }

  private static HandshakeReply reply(SSLSocket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    return Json.mapper().readValue(json, HandshakeReply.class);
  }

  private static void frame(SSLSocket socket, byte type) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeByte(type);
    out.writeInt(0);
    out.flush();
  }

  /** Accepts connections and holds them open, even after the peer's EOF, until the peer closes. */
  static final class HoldingServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> ends = new CopyOnWriteArrayList<>();
    volatile boolean reading = true;

    HoldingServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(this::acceptLoop, "holding-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    int accepted() {
      return sockets.size();
    }

    /** Connections whose peer sent EOF (closed or half-closed). */
    int eofs() {
      return (int) ends.stream().filter(e -> e.equals("eof")).count();
    }

    /** Connections whose peer is gone: a write to them fails. */
    int closed() {
      int closed = 0;
      for (Socket socket : sockets) {
        try {
          socket.getOutputStream().write(0);
          socket.getOutputStream().flush();
          // One write may still be accepted after the peer's FIN; a second one fails.
          Thread.sleep(20);
          socket.getOutputStream().write(0);
          socket.getOutputStream().flush();
        } catch (IOException e) {
          closed++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return closed;
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          sockets.add(socket);
          Thread reader = new Thread(() -> drain(socket), "holding-conn");
          reader.setDaemon(true);
          reader.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void drain(Socket socket) {
      try {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        while (true) {
          while (!reading && !server.isClosed()) {
            Thread.sleep(20);
          }
          if (in.read(buffer) < 0) {
            break;
          }
        }
        ends.add("eof");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        ends.add("reset");
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
