package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.tunnel.engine.TargetConnector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The forwarder splices only connections the bridge claims, whichever comes first. */
class LoopbackForwarderTest {
  private LoopbackForwarder forwarder;
  private ServerSocket echo;
  private final AtomicInteger dials = new AtomicInteger();
  private TargetConnector connector;

  @BeforeEach
  void start() throws IOException {
    forwarder = new LoopbackForwarder();
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  new Thread(() -> pipe(s)).start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    connector =
        (loop, address) -> {
          dials.incrementAndGet();
          return TargetConnector.DIRECT.connect(
              loop, (InetSocketAddress) echo.getLocalSocketAddress());
        };
  }

  private static void pipe(Socket s) {
    try (s) {
      s.getInputStream().transferTo(s.getOutputStream());
    } catch (IOException e) {
      // the test closed it
    }
  }

  @AfterEach
  void stop() throws IOException {
    forwarder.close();
    echo.close();
  }

  @Test
  void aClaimedConnectionReachesTheTargetWhicheverArrivesFirst() throws Exception {
    // connection first, then the claim (the order apache-sshd's connect gives)
    try (Socket s = new Socket()) {
      s.connect(forwarder.address());
      forwarder
          .claim(s.getLocalSocketAddress(), connector, InetSocketAddress.createUnresolved("t", 22))
          .get(5, TimeUnit.SECONDS);
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
    }
    // claim first (the socket bound before it connects), then the connection
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      var done =
          forwarder.claim(
              s.getLocalSocketAddress(), connector, InetSocketAddress.createUnresolved("t", 22));
      s.connect(forwarder.address());
      done.get(5, TimeUnit.SECONDS);
      assertThat(roundTrip(s, "again")).isEqualTo("again");
    }
    assertThat(dials).hasValue(2);
  }

  @Test
  void aConnectionNobodyClaimsReachesNothingAndIsClosed() throws Exception {
    try (Socket stranger = new Socket()) {
      stranger.connect(forwarder.address());
      stranger.setSoTimeout((int) LoopbackForwarder.CLAIM_TIMEOUT.toMillis() + 5000);
      stranger.getOutputStream().write("SSH-2.0-stranger\r\n".getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      // closed with its bytes unread: a reset rather than an end of stream
      assertThat(readOrReset(stranger)).isEqualTo(-1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isGreaterThan(LoopbackForwarder.CLAIM_TIMEOUT.toMillis() - 1000);
    }
    assertThat(dials).hasValue(0);
  }

  @Test
  void aConnectorThatFailsFailsTheClaimWithItsReasonAndClosesTheConnection() throws Exception {
    TargetConnector refusing =
        (loop, address) -> loop.newFailedFuture(new IOException("agent eu1 is not connected"));
    try (Socket s = new Socket()) {
      s.connect(forwarder.address());
      s.setSoTimeout(5000);
      var done =
          forwarder.claim(
              s.getLocalSocketAddress(), refusing, InetSocketAddress.createUnresolved("t", 22));
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(done.cause()).hasMessageContaining("agent eu1 is not connected");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aClaimWhoseConnectionNeverComesFails() throws Exception {
    var done =
        forwarder.claim(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
            connector,
            InetSocketAddress.createUnresolved("t", 22));
    assertThat(done.await(LoopbackForwarder.CLAIM_TIMEOUT.toMillis() + 5000)).isTrue();
    assertThat(done.cause()).hasMessageContaining("did not arrive");
    assertThat(dials).hasValue(0);
  }

  private static int readOrReset(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (java.net.SocketException e) {
      assertThat(e).hasMessageContaining("reset");
      return -1;
    }
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.setSoTimeout(5000);
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = s.getInputStream();
    byte[] b = in.readNBytes(text.length());
    return new String(b, StandardCharsets.UTF_8);
  }
}
