package io.hoop.cli.auth;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.tunnel.tls.IssuerTrust;
import java.net.URI;
import javax.net.ssl.HttpsURLConnection;

/**
 * How the CLI trusts its identity provider: the broker's own trust when the provider is the broker
 * (the dev IdP), else the JVM's default CAs plus the private CA the broker hands out in its auth
 * config ({@code identity.caFile}), fetched over the broker's pinned TLS. Nothing JVM-wide changes.
 */
public final class IdpTransports {
  private IdpTransports() {}

  /**
   * @param caPem the broker's {@code issuerCaPem}, or null
   */
  public static HttpTransport of(BrokerTls tls, String brokerUrl, String issuer, String caPem) {
    if (caPem == null || sameOrigin(brokerUrl, issuer)) {
      return tls.forUrl(brokerUrl, issuer).transport();
    }
    try {
      return new NetHttpTransport.Builder()
          .setSslSocketFactory(IssuerTrust.defaultsPlus(caPem).getSocketFactory())
          .setHostnameVerifier(HttpsURLConnection.getDefaultHostnameVerifier())
          .build();
    } catch (IllegalArgumentException e) {
      throw new HoopException(
          "the broker's CA for identity provider " + issuer + " is unusable: " + e.getMessage());
    }
  }

  private static boolean sameOrigin(String a, String b) {
    URI x = URI.create(a);
    URI y = URI.create(b);
    return x.getHost() != null
        && x.getHost().equalsIgnoreCase(y.getHost())
        && x.getPort() == y.getPort();
  }
}
