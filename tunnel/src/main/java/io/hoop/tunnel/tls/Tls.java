package io.hoop.tunnel.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds every TLS context hoop uses, so protocol versions and trust modes are set in one place.
 */
public final class Tls {
  /** TLS 1.3 and 1.2 only; older versions are refused by both ends. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Tls() {}

  /**
   * The netty provider: BoringSSL through netty-tcnative when it loads, else the JDK. The system
   * property {@code hoop.tls.provider=jdk} forces the JDK's engine (for comparison and as an escape
   * hatch).
   */
  public static SslProvider provider() {
    if ("jdk".equalsIgnoreCase(System.getProperty("hoop.tls.provider"))) {
      return SslProvider.JDK;
    }
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
  }

  /**
   * The broker's server context from PEM files.
   *
   * @param certPem certificate chain, leaf first
   * @param keyPem unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY})
   * @throws IllegalArgumentException naming the file when either cannot be read or used
   */
  public static SslContext server(Path certPem, Path keyPem) {
    requireReadable(certPem, "TLS certificate");
    requireReadable(keyPem, "TLS private key");
    try {
      return SslContextBuilder.forServer(certPem.toFile(), keyPem.toFile())
          .sslProvider(provider())
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use TLS certificate "
              + certPem
              + " with key "
              + keyPem
              + ": expected a PEM certificate chain and a matching unencrypted PKCS#8 PEM key ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** A client context that trusts only the broker certificate with this fingerprint. */
  public static SslContext clientPinned(String fingerprint) {
    PinnedTrustManager trust = new PinnedTrustManager(fingerprint);
    try {
      // No endpoint identification: the pin already names the one certificate we accept.
      return SslContextBuilder.forClient()
          .sslProvider(provider())
          .protocols(PROTOCOLS)
          .trustManager(trust)
          .endpointIdentificationAlgorithm(null)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a pinned TLS client context", e);
    }
  }

  /** A client context with PKIX validation against {@code caPem} and hostname verification. */
  public static SslContext clientWithCa(Path caPem) {
    TrustManagerFactory trust = trustManagerFactory(caPem);
    try {
      return SslContextBuilder.forClient()
          .sslProvider(provider())
          .protocols(PROTOCOLS)
          .trustManager(trust)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot build a TLS client context for CA " + caPem, e);
    }
  }

  /** A JDK context for HTTP clients that trusts only the broker certificate with this pin. */
  public static SSLContext jdkClientPinned(String fingerprint) {
    return jdkContext(new TrustManager[] {new PinnedTrustManager(fingerprint)});
  }

  /**
   * A JDK context for HTTP clients trusting the CAs in {@code caPem}. Hostname verification is the
   * HTTP client's job ({@code HttpsURLConnection} does it by default).
   */
  public static SSLContext jdkClientWithCa(Path caPem) {
    return jdkContext(trustManagerFactory(caPem).getTrustManagers());
  }

  /**
   * Connects, completes a TLS handshake without verifying anything, and returns the chain the
   * server presented. Only for showing a fingerprint to the user at first contact: nothing is sent
   * over this connection.
   */
  public static X509Certificate[] fetchPresentedChain(String host, int port, Duration timeout)
      throws IOException {
    Objects.requireNonNull(host, "host");
    int millis = Math.toIntExact(Math.max(1, timeout.toMillis()));
    RecordingTrustManager recorder = new RecordingTrustManager();
    SSLContext context = jdkContext(new TrustManager[] {recorder});
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), millis);
      plain.setSoTimeout(millis);
      try (SSLSocket socket =
          (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, false)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
      }
    }
    X509Certificate[] chain = recorder.chain.get();
    if (chain == null || chain.length == 0) {
      throw new IOException("broker " + host + ":" + port + " presented no certificate");
    }
    return chain.clone();
  }

  private static SSLContext jdkContext(TrustManager[] trustManagers) {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK does not support TLSv1.3", e);
    }
  }

  private static TrustManagerFactory trustManagerFactory(Path caPem) {
    requireReadable(caPem, "CA certificate");
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      if (i == 0) {
        throw new IllegalArgumentException(
            "CA file " + caPem + " holds no certificate: expected one or more PEM certificates");
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read CA file " + caPem + ": expected PEM certificates (" + e.getMessage() + ")",
          e);
    }
  }

  private static void requireReadable(Path file, String what) {
    Objects.requireNonNull(file, what);
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          what + " file " + file + " does not exist or is not readable");
    }
  }

  /** Accepts anything and remembers it: used only to display a fingerprint, never to relay. */
  private static final class RecordingTrustManager extends X509ExtendedTrustManager {
    final AtomicReference<X509Certificate[]> chain = new AtomicReference<>();

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) {
      chain.set(presented);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket) {
      chain.set(presented);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine) {
      chain.set(presented);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType)
        throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("not a server trust manager");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
