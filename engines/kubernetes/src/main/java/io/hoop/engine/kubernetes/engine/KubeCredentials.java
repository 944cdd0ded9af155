package io.hoop.engine.kubernetes.engine;

import io.hoop.engine.http.config.Credential;
import io.hoop.engine.kubernetes.config.KubeCredential;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads a role's credential files when a tunnel opens (a rotated service-account token needs no
 * restart) and the CA file. Errors name the file, never its content.
 */
final class KubeCredentials {
  private static final int MAX_FILE = 64 * 1024;

  private KubeCredentials() {}

  static Credential load(KubeCredential credential) throws IOException {
    if (credential instanceof KubeCredential.TokenFile t) {
      String token = read(t.path()).strip();
      if (token.isEmpty() || token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw new IOException(t.path() + " must hold the token on its only line");
      }
      return new Credential.Bearer(token);
    }
    KubeCredential.ClientCertificate c = (KubeCredential.ClientCertificate) credential;
    return new Credential.ClientCertificate(certificates(c.certFile()), key(c.keyFile()));
  }

  static List<X509Certificate> certificates(Path file) throws IOException {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(read(file).getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not PEM certificates: " + e.getClass().getSimpleName());
    }
  }

  /**
   * A PKCS#8 key ({@code BEGIN PRIVATE KEY}), a PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY},
   * kubeadm's) or a SEC1 EC key ({@code BEGIN EC PRIVATE KEY}, kind's and k3s's).
   */
  static PrivateKey key(Path file) throws IOException {
    String pem = read(file);
    byte[] der;
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      der = body(file, pem, "PRIVATE KEY");
    } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      der = pkcs8OfRsa(body(file, pem, "RSA PRIVATE KEY"));
    } else if (pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      der = pkcs8OfEc(file, body(file, pem, "EC PRIVATE KEY"));
    } else {
      throw new IOException(
          file
              + " is not a PKCS#8, RSA or EC PEM key (convert it with openssl pkcs8 -topk8 -nocrypt)");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // the next algorithm
      }
    }
    throw new IOException(file + " holds no EC, RSA or Ed25519 key");
  }

  private static byte[] body(Path file, String pem, String label) throws IOException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException(file + " has no complete '" + begin + "' block");
    }
    try {
      return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException x) {
      throw new IOException(file + ": the PEM base64 is invalid");
    }
  }

  /** PrivateKeyInfo { version 0, rsaEncryption with NULL, OCTET STRING pkcs1 }. */
  static byte[] pkcs8OfRsa(byte[] pkcs1) {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = tlv(0x04, pkcs1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(version);
    body.writeBytes(algorithm);
    body.writeBytes(octets);
    return tlv(0x30, body.toByteArray());
  }

  /**
   * PrivateKeyInfo { version 0, id-ecPublicKey with the curve named in the SEC1 key's parameters,
   * OCTET STRING sec1 }.
   */
  static byte[] pkcs8OfEc(Path file, byte[] sec1) throws IOException {
    // ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters, [1] publicKey }
    int[] at = {0};
    int seqEnd = enter(sec1, at, 0x30, file);
    skip(sec1, at, 0x02, file);
    skip(sec1, at, 0x04, file);
    byte[] curve = null;
    while (at[0] < seqEnd) {
      int tag = sec1[at[0]] & 0xff;
      int end = enter(sec1, at, tag, file);
      if (tag == 0xa0) {
        int oidStart = at[0];
        skip(sec1, at, 0x06, file);
        curve = Arrays.copyOfRange(sec1, oidStart, at[0]);
      }
      at[0] = end;
    }
    if (curve == null) {
      throw new IOException(file + ": the EC key does not name its curve");
    }
    byte[] ecPublicKey = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
    algorithm.writeBytes(ecPublicKey);
    algorithm.writeBytes(curve);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(tlv(0x30, algorithm.toByteArray()));
    body.writeBytes(tlv(0x04, sec1));
    return tlv(0x30, body.toByteArray());
  }

  /** Reads a TLV header with {@code tag} at {@code at[0]}; returns where its value ends. */
  private static int enter(byte[] der, int[] at, int tag, Path file) throws IOException {
    if (at[0] + 2 > der.length || (der[at[0]] & 0xff) != tag) {
      throw new IOException(file + ": the key's DER is not what an EC key holds");
    }
    at[0]++;
    int first = der[at[0]++] & 0xff;
    int length;
    if (first < 0x80) {
      length = first;
    } else {
      int n = first & 0x7f;
      if (n < 1 || n > 3 || at[0] + n > der.length) {
        throw new IOException(file + ": the key's DER length is malformed");
      }
      length = 0;
      for (int i = 0; i < n; i++) {
        length = length << 8 | der[at[0]++] & 0xff;
      }
    }
    if (length > der.length - at[0]) {
      throw new IOException(file + ": the key's DER is truncated");
    }
    return at[0] + length;
  }

  private static void skip(byte[] der, int[] at, int tag, Path file) throws IOException {
    at[0] = enter(der, at, tag, file);
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static String read(Path file) throws IOException {
    if (Files.size(file) > MAX_FILE) {
      throw new IOException(file + " is larger than " + MAX_FILE + " bytes");
    }
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
