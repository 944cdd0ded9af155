package io.hoop.tunnel.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * SHA-256 certificate fingerprints in the form {@code openssl x509 -noout -fingerprint -sha256}
 * prints: upper-case hex pairs joined by {@code ':'}.
 */
public final class Fingerprints {
  private static final HexFormat CANONICAL = HexFormat.ofDelimiter(":").withUpperCase();
  private static final int SHA256_BYTES = 32;

  private Fingerprints() {}

  /** The canonical SHA-256 fingerprint of the DER encoding of {@code certificate}. */
  public static String sha256(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    try {
      return CANONICAL.formatHex(digest(certificate.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException(
          "certificate " + certificate.getSubjectX500Principal() + " cannot be DER-encoded", e);
    }
  }

  /**
   * Parses a fingerprint typed by a user: any case, with or without {@code ':'} separators, with or
   * without a leading {@code sha256:}, and returns the canonical form.
   *
   * @throws IllegalArgumentException if the value is not 32 bytes of hex
   */
  public static String normalize(String userInput) {
    Objects.requireNonNull(userInput, "userInput");
    String value = userInput.strip();
    if (value.regionMatches(true, 0, "sha256:", 0, "sha256:".length())) {
      value = value.substring("sha256:".length());
    }
    String hex = value.replace(":", "");
    if (hex.length() != SHA256_BYTES * 2 || !isHex(hex)) {
      throw new IllegalArgumentException(
          "certificate fingerprint '"
              + abbreviate(userInput)
              + "' is not a SHA-256 fingerprint: expected 32 bytes of hex such as"
              + " 'AB:CD:...:EF', optionally prefixed with 'sha256:'");
    }
    return CANONICAL.formatHex(HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
  }

  static byte[] digest(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
