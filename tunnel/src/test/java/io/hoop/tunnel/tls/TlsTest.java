package io.hoop.tunnel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TestCerts;
import io.hoop.tunnel.testing.TunnelHarness;
import io.netty.handler.ssl.SslContext;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  private static final String WRONG =
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

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
  void rightPinConnectsThroughTheTunnel() throws Exception {
    assertTunnelWorks(
        Tls.clientPinned(harness.fingerprint().toLowerCase().replace(":", "")), "localhost");
  }

  @Test
  void wrongPinFailsExplainingExpectedPresentedAndWhatToDo() throws Exception {
    RecordingListener listener = new RecordingListener();
    try (TunnelClient client = start(Tls.clientPinned(WRONG), "localhost", listener);
        Socket socket = Sockets.connect(client.localAddress())) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    String message = listener.failed.poll(5, TimeUnit.SECONDS);
    assertThat(message)
        .contains("expected " + WRONG)
        .contains("presented " + harness.fingerprint())
        .contains("hoop login");
    assertThat(harness.tunnels.activeTunnels()).isZero();
  }

  @Test
  void caTrustChecksTheHostname() throws Exception {
    assertTunnelWorks(Tls.clientWithCa(harness.certs.certPem()), "localhost");

    // The certificate names only "localhost": the same broker reached by IP must be refused.
    RecordingListener listener = new RecordingListener();
    try (TunnelClient client =
            start(Tls.clientWithCa(harness.certs.certPem()), "127.0.0.1", listener);
        Socket socket = Sockets.connect(client.localAddress())) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(listener.failed.poll(5, TimeUnit.SECONDS))
        .contains("127.0.0.1")
        .contains("subject alternative names");
  }

  @Test
  void caTrustRejectsAnUnrelatedCertificate() throws Exception {
    TestCerts other =
        TestCerts.selfSigned(Files.createDirectories(dir.resolve("other")), "localhost");
    RecordingListener listener = new RecordingListener();
    try (TunnelClient client = start(Tls.clientWithCa(other.certPem()), "localhost", listener);
        Socket socket = Sockets.connect(client.localAddress())) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(listener.failed.poll(5, TimeUnit.SECONDS)).isNotBlank();
  }

  @Test
  void jdkContextsWorkWithHttpsUrlConnection() throws Exception {
    // The test broker answers non-tunnel connections with HTTP 400: reaching it proves TLS passed.
    assertThat(status(Tls.jdkClientWithCa(harness.certs.certPem()), "localhost")).isEqualTo(400);
    assertThatThrownBy(() -> status(Tls.jdkClientWithCa(harness.certs.certPem()), "127.0.0.1"))
        .isInstanceOf(SSLHandshakeException.class);
    // Pinned mode needs no hostname match.
    assertThat(status(Tls.jdkClientPinned(harness.fingerprint()), "127.0.0.1")).isEqualTo(400);
    assertThatThrownBy(() -> status(Tls.jdkClientPinned(WRONG), "localhost"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("expected " + WRONG)
        .hasMessageContaining("hoop login");
  }

  @Test
  void fetchPresentedChainReturnsTheBrokerCertificate() throws Exception {
    X509Certificate[] chain =
        Tls.fetchPresentedChain("localhost", harness.broker.port(), Duration.ofSeconds(5));
    assertThat(Fingerprints.sha256(chain[0])).isEqualTo(harness.fingerprint());
  }

  @Test
  void serverNamesAMissingFile() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> Tls.server(missing, harness.certs.keyPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> Tls.server(harness.certs.keyPem(), harness.certs.certPem()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(harness.certs.keyPem().toString());
  }

  private int status(SSLContext context, String host) throws Exception {
    HttpsURLConnection connection =
        (HttpsURLConnection)
            new URL("https://" + host + ":" + harness.broker.port() + "/").openConnection();
    connection.setSSLSocketFactory(context.getSocketFactory());
    connection.setConnectTimeout(5000);
    connection.setReadTimeout(5000);
    try {
      return connection.getResponseCode();
    } finally {
      connection.disconnect();
    }
  }

  private void assertTunnelWorks(SslContext context, String host) throws Exception {
    RecordingListener listener = new RecordingListener();
    try (TunnelClient client = start(context, host, listener);
        Socket socket = Sockets.connect(client.localAddress())) {
      socket.getOutputStream().write(7);
      assertThat(socket.getInputStream().read()).isEqualTo(7);
    }
    assertThat(listener.failed).isEmpty();
  }

  private TunnelClient start(SslContext context, String host, RecordingListener listener)
      throws Exception {
    return TunnelClient.start(
        TunnelClientConfig.of(
            host, harness.broker.port(), context, 0, () -> new Handshake("good", "s"), listener));
  }
}
