package io.hoop.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateTest {
  @TempDir Path dataDir;

  @Test
  void createsAP256CertificateWithLocalNamesAndPrivateFiles() throws Exception {
    DevCertificate dev = DevCertificate.loadOrCreate(dataDir);

    assertThat(dev.certPath()).isEqualTo(dataDir.resolve("tls/broker.crt")).exists();
    assertThat(dev.keyPath()).isEqualTo(dataDir.resolve("tls/broker.key")).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dev.keyPath())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("tls"))))
        .isEqualTo("rwx------");
    assertThat(Files.readString(dev.keyPath())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(dev.certPath())).startsWith("-----BEGIN CERTIFICATE-----");

    X509Certificate cert = dev.certificate();
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=hoop dev broker");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    cert.verify(cert.getPublicKey());
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    Duration validity =
        Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    assertThat(validity).isBetween(Duration.ofDays(365), Duration.ofDays(365).plusMinutes(10));
    assertThat(dev.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void laterStartsLoadTheSameCertificate() throws Exception {
    DevCertificate first = DevCertificate.loadOrCreate(dataDir);
    String key = Files.readString(first.keyPath());

    DevCertificate second = DevCertificate.loadOrCreate(dataDir);

    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(Files.readString(second.keyPath())).isEqualTo(key);
    assertThat(second.privateKey().getEncoded()).isEqualTo(first.privateKey().getEncoded());
  }

  @Test
  void fingerprintAgreesWithOpenssl() throws Exception {
    DevCertificate dev = DevCertificate.loadOrCreate(dataDir);

    String out =
        run(
            "openssl",
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            dev.certPath().toString());

    String line = out.trim();
    assertThat(line).matches("(?i)sha256 Fingerprint=.*");
    assertThat(line.substring(line.indexOf('=') + 1)).isEqualTo(dev.fingerprint());
  }

  @Test
  void opensslReadsTheKeyAndItMatchesTheCertificate() throws Exception {
    DevCertificate dev = DevCertificate.loadOrCreate(dataDir);

    String fromKey = run("openssl", "pkey", "-in", dev.keyPath().toString(), "-pubout");
    String fromCert = run("openssl", "x509", "-noout", "-pubkey", "-in", dev.certPath().toString());

    assertThat(fromKey).contains("BEGIN PUBLIC KEY").isEqualTo(fromCert);
  }

  @Test
  void expiredCertificateIsReplaced() throws Exception {
    Clock twoYearsAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(730)), ZoneOffset.UTC);
    DevCertificate old = DevCertificate.loadOrCreate(dataDir, twoYearsAgo);
    assertThat(old.certificate().getNotAfter().toInstant()).isBefore(Instant.now());

    DevCertificate renewed = DevCertificate.loadOrCreate(dataDir);

    assertThat(renewed.fingerprint()).isNotEqualTo(old.fingerprint());
    assertThat(renewed.certificate().getNotAfter().toInstant()).isAfter(Instant.now());
    assertThat(DevCertificate.loadOrCreate(dataDir).fingerprint()).isEqualTo(renewed.fingerprint());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(renewed.keyPath())))
        .isEqualTo("rw-------");
  }

  @Test
  void corruptKeyIsReportedNotSilentlyReplaced() throws Exception {
    DevCertificate dev = DevCertificate.loadOrCreate(dataDir);
    Files.writeString(dev.keyPath(), "garbage\n");

    assertThatThrownBy(() -> DevCertificate.loadOrCreate(dataDir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dataDir.resolve("tls").toString())
        .hasMessageContaining("delete broker.crt and broker.key");
  }

  @Test
  void keyFromAnotherCertificateIsRefused() throws Exception {
    DevCertificate.loadOrCreate(dataDir);
    Path other = Files.createDirectory(dataDir.resolve("other"));
    DevCertificate foreign = DevCertificate.loadOrCreate(other);
    Files.copy(
        foreign.keyPath(),
        dataDir.resolve("tls/broker.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> DevCertificate.loadOrCreate(dataDir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not match the certificate");
  }

  @Test
  void toStringShowsFingerprintButNoKey() throws Exception {
    DevCertificate dev = DevCertificate.loadOrCreate(dataDir);

    assertThat(dev.toString()).contains(dev.fingerprint()).doesNotContain("PRIVATE");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }
}
