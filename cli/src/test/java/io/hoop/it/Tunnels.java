package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.tls.Tls;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Tunnels to an echo target through a test broker, as {@code hoop connect} opens them. */
final class Tunnels {
  private Tunnels() {}

  /**
   * Starts a tunnel client on an ephemeral local port for a grant's token; every close notice the
   * broker sends is added to {@code notices}.
   */
  static TunnelClient open(
      BrokerFixture broker, String grantToken, String session, List<CloseNotice> notices)
      throws Exception {
    return TunnelClient.start(
        TunnelClientConfig.of(
            "127.0.0.1",
            broker.port(),
            Tls.clientPinned(broker.fingerprint()),
            0,
            () -> broker.handshake(grantToken, session),
            new TunnelClient.Listener() {
              @Override
              public void closed(CloseNotice notice, long up, long down) {
                if (notice != null) {
                  notices.add(notice);
                }
              }
            }));
  }

  /** Opens a connection through the tunnel and checks that the echo target answers. */
  static Socket connectAndPing(TunnelClient client) throws Exception {
    InetSocketAddress local = client.localAddress();
    Socket s = new Socket(local.getAddress(), local.getPort());
    s.setSoTimeout(10_000);
    s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.UTF_8))
        .isEqualTo("ping");
    return s;
  }

  /** Reads until the tunnel closes the connection (end of stream or reset), then closes it. */
  static void drainUntilClosed(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    try (s;
        InputStream in = s.getInputStream()) {
      while (in.read() >= 0) {
        // drain until the tunnel closes
      }
    } catch (java.net.SocketException reset) {
      // a reset also ends the tunnel
    }
  }
}
