package io.hoop.cli.broker;

import com.google.api.client.http.javanet.NetHttpTransport;
import io.hoop.cli.HoopException;
import io.hoop.cli.config.Profile;
import io.hoop.tunnel.tls.Fingerprints;
import io.hoop.tunnel.tls.Tls;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;

/**
 * How the CLI trusts its broker: a pinned certificate fingerprint, a CA file, or (neither) the JVM
 * default trust store.
 */
public final class BrokerTls {
  private final SSLContext context;
  private final String fingerprint;
  private final Path caPem;

  private BrokerTls(SSLContext context, String fingerprint, Path caPem) {
    this.context = context;
    this.fingerprint = fingerprint;
    this.caPem = caPem;
  }

  /** The trust settings of a profile. */
  public static BrokerTls of(Profile profile) {
    if (profile.fingerprint() != null) {
      return pinned(profile.fingerprint());
    }
    if (profile.caCertPath() != null) {
      return caFile(Path.of(profile.caCertPath()));
    }
    try {
      return new BrokerTls(SSLContext.getDefault(), null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  /** Trust exactly the certificate with this SHA-256 fingerprint. */
  public static BrokerTls pinned(String fingerprint) {
    String canonical = normalizeFingerprint(fingerprint);
    return new BrokerTls(Tls.jdkClientPinned(canonical), canonical, null);
  }

  /** The canonical form of a user-typed fingerprint, or a usage error naming it. */
  public static String normalizeFingerprint(String fingerprint) {
    try {
      return Fingerprints.normalize(fingerprint);
    } catch (IllegalArgumentException e) {
      throw new HoopException.Usage(e.getMessage());
    }
  }

  /** Trust the CA certificates in a PEM file. */
  public static BrokerTls caFile(Path pem) {
    try {
      return new BrokerTls(Tls.jdkClientWithCa(pem), null, pem);
    } catch (RuntimeException e) {
      throw new HoopException.Usage(
          "cannot use CA file " + pem + ": " + e.getMessage() + "; expected a PEM certificate");
    }
  }

  public SSLContext sslContext() {
    return context;
  }

  /** An HTTP transport that trusts what this object trusts. */
  public NetHttpTransport transport() {
    return new NetHttpTransport.Builder()
        .setSslSocketFactory(context.getSocketFactory())
        .setHostnameVerifier(hostnameVerifier())
        .build();
  }

  public boolean isPinned() {
    return fingerprint != null;
  }

  /** The same trust for the netty tunnel dialer. */
  public SslContext nettyContext() {
    if (fingerprint != null) {
      return Tls.clientPinned(fingerprint);
    }
    if (caPem != null) {
      return Tls.clientWithCa(caPem);
    }
    throw new HoopException.NotLoggedIn(
        "the profile has neither a pinned fingerprint nor a CA file; run hoop login --broker URL");
  }

  /**
   * With a pin the fingerprint is the identity check, and the broker's dev certificate may name no
   * host at all; with a CA the usual hostname check applies.
   */
  public HostnameVerifier hostnameVerifier() {
    return isPinned()
        ? (host, session) -> true
        : javax.net.ssl.HttpsURLConnection.getDefaultHostnameVerifier();
  }

  /**
   * The context to reach another HTTPS server (the identity provider): the pinned one when it runs
   * on the broker's own host and port (the dev IdP), the JVM default otherwise.
   */
  public BrokerTls forUrl(String brokerUrl, String otherUrl) {
    URI a = URI.create(brokerUrl);
    URI b = URI.create(otherUrl);
    if (a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b)) {
      return this;
    }
    try {
      return new BrokerTls(SSLContext.getDefault(), null, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
  }
}
