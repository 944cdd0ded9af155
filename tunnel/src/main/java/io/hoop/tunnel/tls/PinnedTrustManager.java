package io.hoop.tunnel.tls;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, identified by the SHA-256 fingerprint pinned at {@code
 * hoop login}.
 *
 * <p>Extends {@link X509ExtendedTrustManager} on purpose: the JDK then leaves identity checks to
 * this class instead of adding a hostname check, which the pin makes redundant (a matching pin is a
 * stronger statement than a matching name).
 */
public final class PinnedTrustManager extends X509ExtendedTrustManager {
  private final String expected;

  /**
   * @param fingerprint the pinned fingerprint in any form {@link Fingerprints#normalize} accepts
   */
  public PinnedTrustManager(String fingerprint) {
    this.expected = Fingerprints.normalize(fingerprint);
  }

  /** The pinned fingerprint in canonical form. */
  public String fingerprint() {
    return expected;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw clientsNotSupported();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw clientsNotSupported();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw clientsNotSupported();
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException(
          "the broker presented no certificate; expected one with fingerprint " + expected);
    }
    String presented = Fingerprints.sha256(chain[0]);
    // Constant time: the comparison result should not leak how much of the pin matched.
    if (!MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.US_ASCII),
        expected.getBytes(StandardCharsets.US_ASCII))) {
      throw new CertificateException(
          "broker certificate does not match the pinned fingerprint: expected "
              + expected
              + ", presented "
              + presented
              + ". If the broker certificate was changed on purpose, run `hoop login` again to"
              + " pin the new one; otherwise someone may be intercepting the connection.");
    }
  }

  private static CertificateException clientsNotSupported() {
    return new CertificateException("a pinned trust manager verifies servers, not clients");
  }
}
