package io.hoop.tunnel.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway self-signed certificate written as PEM files. */
public record TestCerts(Path certPem, Path keyPem, X509Certificate certificate) {

  /** A self-signed EC certificate for the DNS name {@code dnsName} only. */
  public static TestCerts selfSigned(Path dir, String dnsName) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair keys = generator.generateKeyPair();
    X500Name name = new X500Name("CN=" + dnsName);
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            name,
            keys.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    X509Certificate certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    Path cert = dir.resolve(dnsName + "-cert.pem");
    Path key = dir.resolve(dnsName + "-key.pem");
    writePem(cert, certificate);
    writePem(key, new JcaPKCS8Generator(keys.getPrivate(), null));
    return new TestCerts(cert, key, certificate);
  }

  private static void writePem(Path file, Object value) throws IOException {
    try (Writer out = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(value);
    }
  }
}
