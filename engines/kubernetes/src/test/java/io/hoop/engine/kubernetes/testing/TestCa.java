package io.hoop.engine.kubernetes.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway CA and an API server certificate it signs (for {@code localhost} and {@code
 * 127.0.0.1}), written as PEM files into a directory the caller deletes; keys mode 0600.
 */
public final class TestCa {
  private final Path caFile;
  private final Path serverCertFile;
  private final Path serverKeyFile;
  private final X509Certificate ca;
  private final X509Certificate server;
  private final java.security.PrivateKey serverKey;
  private final KeyPair caKeys;

  private TestCa(
      Path caFile,
      Path serverCertFile,
      Path serverKeyFile,
      X509Certificate ca,
      X509Certificate server,
      java.security.PrivateKey serverKey,
      KeyPair caKeys) {
    this.caKeys = caKeys;
    this.caFile = caFile;
    this.serverCertFile = serverCertFile;
    this.serverKeyFile = serverKeyFile;
    this.ca = ca;
    this.server = server;
    this.serverKey = serverKey;
  }

  /** A server TLS context presenting the API server certificate. */
  public javax.net.ssl.SSLContext serverContext() throws IOException {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = "changeit".toCharArray();
      ks.setKeyEntry("server", serverKey, pw, new java.security.cert.Certificate[] {server, ca});
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the server TLS context", e);
    }
  }

  /** A new CA and server certificate under {@code dir}. */
  public static TestCa create(Path dir) throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      KeyPair caKeys = g.generateKeyPair();
      X500Name caName = new X500Name("CN=hoop test kubernetes CA");
      X509Certificate ca =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName, BigInteger.ONE, from(), to(), caName, caKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)),
              caKeys);
      KeyPair serverKeys = g.generateKeyPair();
      X509Certificate server =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName,
                      BigInteger.TWO,
                      from(),
                      to(),
                      new X500Name("CN=kube-apiserver"),
                      serverKeys.getPublic())
                  .addExtension(
                      Extension.subjectAlternativeName,
                      false,
                      new GeneralNames(
                          new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                          })),
              caKeys);
      Path caFile = dir.resolve("ca.crt");
      Path certFile = dir.resolve("apiserver.crt");
      Path keyFile = dir.resolve("apiserver.key");
      Files.writeString(caFile, pem(ca));
      Files.writeString(certFile, pem(server));
      Files.writeString(keyFile, pem(serverKeys.getPrivate()));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      return new TestCa(caFile, certFile, keyFile, ca, server, serverKeys.getPrivate(), caKeys);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the test CA", e);
    }
  }

  /**
   * A client certificate for {@code cn} signed by the CA, written as {@code NAME.crt} and {@code
   * NAME.key} (the key as its algorithm's usual PEM: {@code EC PRIVATE KEY} or {@code RSA PRIVATE
   * KEY}, mode 0600).
   *
   * @param algorithm {@code EC} or {@code RSA}
   */
  public Path[] issueClient(Path dir, String name, String cn, String algorithm) throws IOException {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(algorithm.equals("RSA") ? 2048 : 256);
      KeyPair keys = g.generateKeyPair();
      X509Certificate cert =
          sign(
              new JcaX509v3CertificateBuilder(
                  new X500Name("CN=hoop test kubernetes CA"),
                  BigInteger.valueOf(System.nanoTime()),
                  from(),
                  to(),
                  new X500Name("CN=" + cn),
                  keys.getPublic()),
              caKeys);
      Path certFile = dir.resolve(name + ".crt");
      Path keyFile = dir.resolve(name + ".key");
      Files.writeString(certFile, pem(cert));
      Files.writeString(
          keyFile, algorithm.equals("EC") ? sec1(keys.getPrivate()) : pem(keys.getPrivate()));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      return new Path[] {certFile, keyFile};
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot issue a client certificate", e);
    }
  }

  /** A SEC1 EC key naming its curve, as openssl, kind and k3s write them. */
  private static String sec1(java.security.PrivateKey key) throws IOException {
    org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    byte[] der =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
                256,
                inner.getKey(),
                inner.getPublicKey(),
                info.getPrivateKeyAlgorithm().getParameters())
            .getEncoded();
    return "-----BEGIN EC PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END EC PRIVATE KEY-----\n";
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static Date from() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date to() {
    return Date.from(Instant.now().plus(Duration.ofDays(1)));
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  public Path caFile() {
    return caFile;
  }

  public Path serverCertFile() {
    return serverCertFile;
  }

  public Path serverKeyFile() {
    return serverKeyFile;
  }

  public X509Certificate ca() {
    return ca;
  }
}
