package io.hoop.tunnel.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust for an identity provider behind a private CA ({@code identity.caFile}): the JVM's default
 * CAs plus exactly the given ones, for one HTTP client only; the JVM-wide trust store is never
 * touched. Broker and CLI share it, so both trust the same thing.
 */
public final class IssuerTrust {
  private static final int MAX_PEM_CHARS = 256 * 1024;

  private IssuerTrust() {}

  /**
   * Reads a PEM file of CA certificates.
   *
   * @return the PEM text, checked to hold at least one certificate
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static String readPem(Path file) {
    Objects.requireNonNull(file, "file");
    String pem;
    try {
      if (Files.size(file) > MAX_PEM_CHARS) {
        throw new IllegalArgumentException(
            file + " is larger than " + MAX_PEM_CHARS + " bytes; expected PEM CA certificates");
      }
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    certificates(pem, file.toString());
    return pem;
  }

  /** A JDK client context trusting the default CAs plus the certificates in {@code pem}. */
  public static SSLContext defaultsPlus(String pem) {
    Objects.requireNonNull(pem, "pem");
    try {
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates(pem, "the identity provider's CA PEM")) {
        extra.setCertificateEntry("issuer-ca-" + i++, c);
      }
      X509ExtendedTrustManager defaults = trustManager(null);
      X509ExtendedTrustManager own = trustManager(extra);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new Either(defaults, own)}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context for the issuer CA", e);
    }
  }

  private static List<X509Certificate> certificates(String pem, String what) {
    Collection<? extends Certificate> parsed;
    try {
      parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(
          what + " holds no readable certificate (" + e.getMessage() + "); expected PEM", e);
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : parsed) {
      if (c instanceof X509Certificate x) {
        out.add(x);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(what + " holds no certificate; expected PEM");
    }
    return out;
  }

  private static X509ExtendedTrustManager trustManager(KeyStore store)
      throws GeneralSecurityException {
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    for (TrustManager tm : f.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JVM offers no X509ExtendedTrustManager");
  }

  /** Trusts a server chain when the defaults or the extra CAs do (hostname checks included). */
  private static final class Either extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager first;
    private final X509ExtendedTrustManager second;

    Either(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType, socket);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType, engine);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client certificates are not expected here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client certificates are not expected here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not expected here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(new X509Certificate[0]);
    }
  }
}
