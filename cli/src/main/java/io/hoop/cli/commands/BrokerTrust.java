package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.tunnel.tls.Fingerprints;
import io.hoop.tunnel.tls.Tls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides how {@code hoop login} trusts the broker: an explicit pin or CA file, the pin stored in
 * the profile, or trust on first use after the user confirmed the fingerprint.
 */
final class BrokerTrust {
  private final CliEnvironment env;
  private final PrintWriter err;

  BrokerTrust(CliEnvironment env, PrintWriter err) {
    this.env = env;
    this.err = err;
  }

  /** Broker URL and trust settings, without issuer and client id yet. */
  Profile resolve(ProfileStore store, String brokerFlag, String fingerprint, String caCert) {
    Optional<Profile> stored = store.profile();
    String url = brokerFlag != null ? brokerFlag : stored.map(Profile::brokerUrl).orElse(null);
    if (url == null) {
      throw new HoopException.Usage(
          "profile '" + store.name() + "' has no broker yet; pass --broker https://HOST:PORT");
    }
    LoginCommand.requireHttps(url);
    url = url.replaceAll("/+$", "");
    if (fingerprint != null) {
      return new Profile(url, BrokerTls.normalizeFingerprint(fingerprint), null, null, null);
    }
    if (caCert != null) {
      Path ca = Path.of(caCert).toAbsolutePath();
      BrokerTls.caFile(ca);
      return new Profile(url, null, ca.toString(), null, null);
    }
    if (stored.isPresent() && sameBroker(stored.get().brokerUrl(), url)) {
      Profile p = stored.get();
      if (p.fingerprint() != null || p.caCertPath() != null) {
        return new Profile(url, p.fingerprint(), p.caCertPath(), null, null);
      }
    }
    return new Profile(url, firstContact(url), null, null, null);
  }

  private String firstContact(String url) {
    URI uri = URI.create(url);
    int port = uri.getPort() == -1 ? 443 : uri.getPort();
    X509Certificate[] chain;
    try {
      chain = Tls.fetchPresentedChain(uri.getHost(), port, Duration.ofSeconds(10));
    } catch (IOException e) {
      throw BrokerClient.unreachable(url, e);
    }
    if (chain == null || chain.length == 0) {
      throw new HoopException("broker at " + url + " presented no certificate");
    }
    X509Certificate leaf = chain[0];
    String fp = Fingerprints.sha256(leaf);
    err.println("The broker at " + url + " presented this certificate:");
    err.println("  subject: " + leaf.getSubjectX500Principal().getName());
    err.println("  issuer:  " + leaf.getIssuerX500Principal().getName());
    err.println("  SHA-256: " + fp);
    err.flush();
    if (!env.interactive()) {
      throw new HoopException.Usage(
          "cannot confirm the broker's certificate without a terminal; check the fingerprint"
              + " with the broker's operator and pass --fingerprint "
              + fp);
    }
    err.print("Trust this certificate? [y/N] ");
    err.flush();
    String answer = readLine();
    if (!answer.equals("y") && !answer.equals("yes")) {
      throw new HoopException(
          "certificate not trusted, nothing stored; pass --fingerprint FP or --ca-cert FILE");
    }
    return fp;
  }

  private String readLine() {
    try {
      // Not closed: closing it would close the process's stdin.
      BufferedReader in =
          new BufferedReader(new InputStreamReader(env.stdin(), StandardCharsets.UTF_8));
      String line = in.readLine();
      return line == null ? "" : line.strip().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean sameBroker(String a, String b) {
    return a != null && a.replaceAll("/+$", "").equalsIgnoreCase(b);
  }
}
