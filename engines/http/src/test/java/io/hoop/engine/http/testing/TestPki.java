package io.hoop.engine.http.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway test CA and the certificates it issues, as objects and PEM files. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate, its key, and where they are written. */
  public record Issued(X509Certificate certificate, KeyPair keys, Path certPem, Path keyPem) {}

  public final Issued ca;
  private final Path dir;

  private TestPki(Path dir, Issued ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA named {@code name} writing its files under {@code dir}. */
  public static TestPki create(Path dir, String name) throws Exception {
    KeyPair keys = keys();
    X500Name subject = new X500Name("CN=" + name);
    JcaX509v3CertificateBuilder b = builder(subject, subject, keys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate cert = sign(b, keys);
    return new TestPki(dir, write(dir, name, cert, keys));
  }

  /** A leaf for {@code dnsName} signed by this CA. */
  public Issued issue(String dnsName) throws Exception {
    KeyPair keys = keys();
    JcaX509v3CertificateBuilder b =
        builder(
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            new X500Name("CN=" + dnsName),
            keys);
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    X509Certificate cert = sign(b, ca.keys());
    return write(dir, dnsName + "-" + SERIAL.incrementAndGet(), cert, keys);
  }

  /** A server (or client) TLS context presenting {@code leaf}; trusts this CA for client certs. */
  public SSLContext context(Issued leaf) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "leaf",
        leaf.keys().getPrivate(),
        new char[0],
        new X509Certificate[] {leaf.certificate(), ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static Issued write(Path dir, String name, X509Certificate cert, KeyPair keys)
      throws IOException {
    Path certPem = dir.resolve(name + "-cert.pem");
    Path keyPem = dir.resolve(name + "-key.pem");
    writePem(certPem, cert);
    writePem(keyPem, new JcaPKCS8Generator(keys.getPrivate(), null));
    Files.setPosixFilePermissions(keyPem, PosixFilePermissions.fromString("rw-------"));
    return new Issued(cert, keys, certPem, keyPem);
  }

  private static void writePem(Path file, Object value) throws IOException {
    try (Writer out = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(value);
    }
  }
}
