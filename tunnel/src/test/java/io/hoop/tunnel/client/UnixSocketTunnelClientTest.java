package io.hoop.tunnel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.testing.EchoServer;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.TunnelHarness;
import io.hoop.tunnel.tls.Tls;
import io.hoop.tunnel.transport.Transports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tunnel client listening on a Unix-domain socket, against the real test broker and echo. */
class UnixSocketTunnelClientTest {
  @TempDir Path certs;
  TunnelHarness harness;
  Path dir;

  @BeforeEach
  void start() throws Exception {
    harness = new TunnelHarness(certs);
    // @TempDir paths can be long; a socket path must stay under 108 bytes.
    dir =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "hoop-t",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private TunnelClient client(Path socket, RecordingListener listener) throws BindException {
    return TunnelClient.start(
        TunnelClientConfig.unixSocket(
            "localhost",
            harness.broker.port(),
            Tls.clientPinned(harness.fingerprint()),
            socket,
            () -> new Handshake("good", "session-token"),
            listener));
  }

  private static SocketChannel connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  /** Echoes "hello" and the echo's trailer after a half-close, as over TCP. */
  private static void assertEchoes(Path socket) throws IOException {
    try (SocketChannel ch = connect(socket)) {
      ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer five = ByteBuffer.allocate(5);
      while (five.hasRemaining() && ch.read(five) >= 0) {}
      assertThat(new String(five.array(), StandardCharsets.US_ASCII)).isEqualTo("hello");
      ch.shutdownOutput();
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(64);
      while (ch.read(buf) >= 0) {
        rest.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      assertThat(rest.toByteArray()).isEqualTo(EchoServer.TRAILER);
    }
  }

  @Test
  void relaysBytesThroughAPrivateSocketAndRemovesItOnClose() throws Exception {
    String dirMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
    Path socket = dir.resolve("demo.sock");
    RecordingListener listener = new RecordingListener();
    TunnelClient client = client(socket, listener);
    try {
      assertThat(client.socketPath()).contains(socket);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo(dirMode);
      assertThatThrownBy(client::localAddress)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(socket.toString());

      assertEchoes(socket);
      HandshakeReply reply = listener.opened.poll(2, TimeUnit.SECONDS);
      assertThat(reply).isNotNull();
      assertThat(reply.grantId()).isEqualTo("g-1");
      RecordingListener.Closed closed = listener.closed.poll(2, TimeUnit.SECONDS);
      assertThat(closed).isNotNull();
      assertThat(closed.bytesUp()).isEqualTo(5);
      assertThat(closed.bytesDown()).isEqualTo(5 + EchoServer.TRAILER.length);
      assertThat(harness.echo.eofsSeen()).isEqualTo(1);
      // The peer is this very process, so the uid check (with epoll) lets it through.
      assertThat(listener.failed).isEmpty();
      await().atMost(Duration.ofSeconds(2)).until(() -> client.activeConnections() == 0);
    } finally {
      client.close();
    }
    assertThat(socket).doesNotExist();
    assertThat(dir).isDirectory();
  }

  @Test
  void staleSocketIsReplaced() throws Exception {
    Path socket = dir.resolve("demo.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(socket));
    }
    // The JDK leaves the file behind, like a hoop that was killed.
    assertThat(socket).exists();
    try (TunnelClient client = client(socket, new RecordingListener())) {
      assertThat(client.socketPath()).contains(socket);
      assertEchoes(socket);
    }
  }

  @Test
  void liveSocketIsRefused() throws Exception {
    Path socket = dir.resolve("demo.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(socket));
      assertThatThrownBy(() -> client(socket, new RecordingListener()))
          .isInstanceOf(BindException.class)
          .hasMessageContaining("another process is listening on " + socket);
      assertThat(socket).exists();
      // Told from /proc/net/unix, not by connecting: a live hoop connect would open a tunnel.
      live.configureBlocking(false);
      assertThat(live.accept()).isNull();
    }
  }

  @Test
  void otherFilesAreNeverRemoved() throws Exception {
    Path file = Files.writeString(dir.resolve("demo.sock"), "keep me");
    assertThatThrownBy(() -> client(file, new RecordingListener()))
        .isInstanceOf(BindException.class)
        .hasMessageContaining(file + " exists and is not a Unix socket");
    assertThat(file).hasContent("keep me");
  }

  @Test
  void tooLongPathIsRefusedNamingIt() {
    Path socket = dir.resolve("x".repeat(UnixSockets.MAX_PATH_BYTES) + ".sock");
    assertThatThrownBy(() -> client(socket, new RecordingListener()))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("unix socket path " + socket)
        .hasMessageContaining("longer than the 107 bytes")
        .hasMessageContaining("shorter directory");
    assertThat(socket).doesNotExist();
  }

  @Test
  @Timeout(60)
  void anotherUsersConnectionIsClosedByItsCredentials() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    Path perl = Path.of("/usr/bin/perl");
    // Only root can connect as another user; CI runs as root, so there this test always runs,
    // and a missing tool fails it rather than skipping it.
    assumeTrue(UnixSockets.processUid() == 0, "connecting as another user needs root");
    assertThat(Transports.epoll()).as("native epoll (the peer-credential check needs it)").isTrue();
    assertThat(setpriv).as("setpriv (util-linux)").isExecutable();
    assertThat(perl).as("perl").isExecutable();
    Path socket = dir.resolve("demo.sock");
    RecordingListener listener = new RecordingListener();
    try (TunnelClient client = client(socket, listener)) {
      assertThat(client.socketPath()).contains(socket);
      // Open the file-system guards on purpose: only the credential check is left.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
      Process nobody =
          new ProcessBuilder(
                  setpriv.toString(),
                  "--reuid=65534",
                  "--regid=65534",
                  "--clear-groups",
                  perl.toString(),
                  "-MIO::Socket::UNIX",
                  "-e",
                  "my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die \"connect: $!\";"
                      + " print $s 'hello'; my $n = sysread($s, my $b, 16);"
                      + " print defined $n ? \"read $n\" : 'read error';",
                  socket.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(nobody.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(nobody.waitFor(10, TimeUnit.SECONDS)).isTrue();
      // Connected (the kernel accepts), then closed at once without a byte.
      assertThat(out).isIn("read 0", "read error");
      assertThat(listener.failed.poll(2, TimeUnit.SECONDS))
          .isEqualTo(
              "refused a connection on "
                  + socket
                  + " from uid 65534: only uid 0, who runs this tunnel, may use it");
      assertThat(listener.opened).isEmpty();
      assertThat(harness.echo.accepted()).isZero();
      // The owner still gets through.
      assertEchoes(socket);
    }
  }

  @Test
  void onlyTheProcessOwnersUidMayConnect() throws Exception {
    Path socket = dir.resolve("demo.sock");
    assertThat(UnixSockets.peerRefusal(1000, 1000, socket)).isNull();
    assertThat(UnixSockets.peerRefusal(0, 0, socket)).isNull();
    assertThat(UnixSockets.peerRefusal(0, 1000, socket))
        .isEqualTo(
            "refused a connection on "
                + socket
                + " from uid 0: only uid 1000, who runs this tunnel, may use it");
    assertThat(UnixSockets.peerRefusal(1001, 1000, socket)).contains("from uid 1001");
    assertThat(UnixSockets.processUid()).isEqualTo(UnixSockets.ownerUid(dir));
  }
}
