package io.hoop.broker.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The self-signed ECDSA P-256 certificate the broker serves in dev mode, kept in {@code
 * <dataDir>/tls/} so that clients can pin the same fingerprint across restarts.
 */
public final class DevCertificate {
  static final String SUBJECT = "CN=hoop dev broker";
  static final Duration VALIDITY = Duration.ofDays(365);

  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> KEY_MODE =
      PosixFilePermissions.fromString("rw-------");

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Path certPath;
  private final Path keyPath;

  private DevCertificate(
      X509Certificate certificate, PrivateKey privateKey, Path certPath, Path keyPath) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.certPath = certPath;
    this.keyPath = keyPath;
  }

  /** Loads {@code dataDir/tls/broker.{crt,key}}, creating them on first start or once expired. */
  public static DevCertificate loadOrCreate(Path dataDir) {
    return loadOrCreate(dataDir, Clock.systemUTC());
  }

  /** As {@link #loadOrCreate(Path)}, with the clock that decides validity (for tests). */
  public static DevCertificate loadOrCreate(Path dataDir, Clock clock) {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(clock, "clock");
    Path dir = dataDir.resolve("tls");
    Path cert = dir.resolve("broker.crt");
    Path key = dir.resolve("broker.key");
    try {
      createPrivateDirectory(dir);
      if (Files.exists(cert) && Files.exists(key)) {
        DevCertificate loaded = load(cert, key);
        if (loaded.certificate.getNotAfter().toInstant().isAfter(clock.instant())) {
          return loaded;
        }
        // Expired: a dev certificate carries no state worth keeping, so replace it.
      }
      return create(cert, key, clock);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(
          "cannot load or create the dev TLS certificate in "
              + dir
              + " ("
              + e.getMessage()
              + "); delete broker.crt and broker.key there to regenerate them",
          e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key matching {@link #certificate()}, for the broker's TLS server. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  public Path certPath() {
    return certPath;
  }

  public Path keyPath() {
    return keyPath;
  }

  /** SHA-256 of the DER certificate as upper-case hex pairs joined by ':' (openssl's format). */
  public String fingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable or certificate not encodable", e);
    }
  }

  /** An SSLContext whose only trust anchor is this certificate. */
  public SSLContext trustingSelf() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("hoop-dev-broker", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build an SSLContext trusting " + certPath, e);
    }
  }

  @Override
  public String toString() {
    return "DevCertificate[" + certPath + ", sha256=" + fingerprint() + "]";
  }

  private static DevCertificate load(Path certPath, Path keyPath)
      throws IOException, GeneralSecurityException {
    X509Certificate cert;
    try (Reader r = Files.newBufferedReader(certPath, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      if (!(o instanceof X509CertificateHolder holder)) {
        throw new IOException(certPath + " does not hold a PEM certificate");
      }
      cert = new JcaX509CertificateConverter().getCertificate(holder);
    }
    PrivateKey key;
    try (Reader r = Files.newBufferedReader(keyPath, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      Object o = parser.readObject();
      if (!(o instanceof PrivateKeyInfo info)) {
        throw new IOException(keyPath + " does not hold a PEM PKCS#8 private key");
      }
      key = new JcaPEMKeyConverter().getPrivateKey(info);
    }
    // A key that does not match would only surface as an obscure handshake failure later.
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    byte[] probe = "hoop".getBytes(StandardCharsets.US_ASCII);
    signer.update(probe);
    byte[] sig = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(cert.getPublicKey());
    verifier.update(probe);
    if (!verifier.verify(sig)) {
      throw new IOException(keyPath + " does not match the certificate in " + certPath);
    }
    return new DevCertificate(cert, key, certPath, keyPath);
  }

  private static DevCertificate create(Path certPath, Path keyPath, Clock clock)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair pair = generator.generateKeyPair();

    Instant now = clock.instant();
    byte[] serial = new byte[16];
    new SecureRandom().nextBytes(serial);
    X500Name name = new X500Name(SUBJECT);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(1, serial),
            // Back-date slightly so clients whose clocks lag a little still accept it.
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(VALIDITY)),
            name,
            pair.getPublic());
    GeneralNames san =
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.iPAddress, "::1")
            });
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    builder
        .addExtension(Extension.subjectAlternativeName, false, san)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            ext.createSubjectKeyIdentifier(pair.getPublic()));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));

    writeAtomically(keyPath, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
    writeAtomically(certPath, pem(cert), false);
    return new DevCertificate(cert, pair.getPrivate(), certPath, keyPath);
  }

  private static String pem(Object value) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(value);
    }
    return out.toString();
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (posix()) {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
      }
      // Also tightens a directory someone created with a looser umask.
      Files.setPosixFilePermissions(dir, DIR_MODE);
    } else {
      Files.createDirectories(dir);
    }
  }

  private static void writeAtomically(Path target, String content, boolean secret)
      throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    // The key file is created with mode 0600 so it is never readable by others, even briefly.
    FileAttribute<?>[] attrs =
        posix() && secret
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(KEY_MODE)}
            : new FileAttribute<?>[0];
    try {
      Files.createFile(tmp, attrs);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process is writing " + target, e);
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
