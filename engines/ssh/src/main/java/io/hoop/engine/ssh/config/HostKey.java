package io.hoop.engine.ssh.config;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A pinned host key from a known_hosts line: the host patterns it is for (plain, wildcard, negated,
 * {@code [host]:port}, or hashed {@code |1|salt|hash}), the key type, the key in SSH wire form
 * (base64), the parsed {@link PublicKey}, and the comment.
 */
public record HostKey(
    List<String> hosts, String keyType, String keyBase64, PublicKey publicKey, String comment) {
  public HostKey {
    hosts = List.copyOf(requireNonNull(hosts, "hosts"));
    requireNonNull(keyType, "keyType");
    requireNonNull(keyBase64, "keyBase64");
    requireNonNull(publicKey, "publicKey");
    comment = comment == null ? "" : comment;
  }

  /** The key in SSH wire form, to compare with the key the target presents. */
  public byte[] blob() {
    return Base64.getDecoder().decode(keyBase64);
  }

  /** Whether {@code blob} (a host key in SSH wire form) is this key. */
  public boolean sameKey(byte[] blob) {
    return MessageDigest.isEqual(blob(), blob);
  }

  /** OpenSSH's fingerprint, e.g. {@code SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s}. */
  public String fingerprint() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob());
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }

  /** Whether this line is for {@code host} on {@code port}, as OpenSSH would decide. */
  public boolean matches(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    String name = port == 22 ? h : "[" + h + "]:" + port;
    boolean matched = false;
    for (String pattern : hosts) {
      boolean negated = pattern.startsWith("!");
      String p = negated ? pattern.substring(1) : pattern;
      boolean m =
          p.startsWith("|1|") ? hashedMatches(p, name) : wildcard(p.toLowerCase(Locale.ROOT), name);
      if (m && negated) {
        return false;
      }
      matched |= m;
    }
    return matched;
  }

  private static boolean hashedMatches(String entry, String name) {
    String[] parts = entry.split("\\|");
    try {
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] hash = Base64.getDecoder().decode(parts[3]);
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(salt, "HmacSHA1"));
      return MessageDigest.isEqual(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)), hash);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** OpenSSH's pattern: {@code *} and {@code ?} over the whole name. */
  private static boolean wildcard(String pattern, String name) {
    int p = 0;
    int n = 0;
    int star = -1;
    int mark = 0;
    while (n < name.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
        p++;
        n++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = n;
      } else if (star >= 0) {
        p = star + 1;
        n = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  @Override
  public String toString() {
    return String.join(",", hosts) + " " + keyType + " " + fingerprint();
  }
}
