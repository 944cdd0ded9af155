package io.hoop.cli.connect;

import io.hoop.api.DirectCredential;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.tunnel.tls.Fingerprints;
import io.hoop.tunnel.tls.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code hoop connect --direct} prints: a psql connection string, a {@code PGPASSWORD} line
 * and a JDBC URL to the broker's own PostgreSQL port, verifying the broker with the CA file hoop
 * trusts (the profile's, or the pinned certificate written next to the profile).
 */
public final class DirectAccess {
  private final DirectCredential credential;
  private final Path rootCert;

  private DirectAccess(DirectCredential credential, Path rootCert) {
    this.credential = credential;
    this.rootCert = rootCert;
  }

  /** Issues the grant's direct password and finds the broker's CA file. */
  public static DirectAccess issue(BrokerSession session, String grantId) {
    DirectCredential credential = session.client().directCredential(grantId);
    return new DirectAccess(credential, rootCert(session));
  }

  /**
   * The CA file for {@code sslrootcert}: the profile's CA file, or, for a pinned broker, the
   * certificate the broker presents now, checked against the pin and written to {@code
   * <profile>-broker.pem} in hoop's config directory.
   */
  static Path rootCert(BrokerSession session) {
    if (session.profile().caCertPath() != null) {
      return Path.of(session.profile().caCertPath()).toAbsolutePath();
    }
    String pin = session.profile().fingerprint();
    if (pin == null) {
      throw new HoopException(
          "profile "
              + session.store().name()
              + " neither pins the broker nor names its CA file;"
              + " run hoop login again");
    }
    URI uri = URI.create(session.profile().brokerUrl());
    X509Certificate[] chain;
    try {
      chain =
          Tls.fetchPresentedChain(
              uri.getHost(), uri.getPort() == -1 ? 443 : uri.getPort(), Duration.ofSeconds(10));
    } catch (IOException e) {
      throw new HoopException(
          "cannot fetch the broker's certificate from " + uri + ": " + e.getMessage(), e);
    }
    if (chain == null || chain.length == 0 || !Fingerprints.sha256(chain[0]).equals(pin)) {
      throw new HoopException(
          "the broker at "
              + uri
              + " presented a certificate that does not match the pinned fingerprint "
              + pin
              + "; refusing to write it as sslrootcert");
    }
    Path file = session.store().dir().resolve(session.store().name() + "-broker.pem");
    try {
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(chain[0].getEncoded())
              + "\n-----END CERTIFICATE-----\n";
      Files.createDirectories(file.getParent());
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
    } catch (IOException | CertificateEncodingException e) {
      throw new HoopException(
          "cannot write the broker's certificate to " + file + ": " + e.getMessage(), e);
    }
    return file.toAbsolutePath();
  }

  public DirectCredential credential() {
    return credential;
  }

  public Path rootCert() {
    return rootCert;
  }

  /** The libpq connection string, without the password (it goes in {@code PGPASSWORD}). */
  public String conninfo() {
    return "host="
        + credential.host()
        + " port="
        + credential.port()
        + " user="
        + credential.user()
        + " dbname="
        + quote(credential.database())
        + " sslmode=verify-full sslrootcert="
        + quote(rootCert.toString());
  }

  /** A pgjdbc URL with the password in it. */
  public String jdbcUrl() {
    String host =
        credential.host().contains(":") ? "[" + credential.host() + "]" : credential.host();
    return "jdbc:postgresql://"
        + host
        + ":"
        + credential.port()
        + "/"
        + enc(credential.database())
        + "?user="
        + enc(credential.user())
        + "&password="
        + enc(credential.password())
        + "&sslmode=verify-full&sslrootcert="
        + enc(rootCert.toString());
  }

  /** What the terminal shows: the password once, in the PGPASSWORD line and the JDBC URL. */
  public List<String> lines() {
    return List.of(
        "Direct access to "
            + credential.target()
            + " through the broker (grant "
            + credential.grantId()
            + "; the password is shown once and dies with the grant):",
        "  export PGPASSWORD='" + credential.password() + "'",
        "  psql \"" + conninfo() + "\"",
        "  " + jdbcUrl());
  }

  /** The {@code -o json} fields. */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("host", credential.host());
    json.put("port", credential.port());
    json.put("user", credential.user());
    json.put("password", credential.password());
    json.put("database", credential.database());
    json.put("sslmode", "verify-full");
    json.put("sslrootcert", rootCert.toString());
    json.put("conninfo", conninfo());
    json.put("jdbcUrl", jdbcUrl());
    json.put("expiresAt", credential.expiresAt().toString());
    return json;
  }

  private static String quote(String value) {
    if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '\\')) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return "DirectAccess[grant=" + credential.grantId() + ", password=<hidden>]";
  }
}
