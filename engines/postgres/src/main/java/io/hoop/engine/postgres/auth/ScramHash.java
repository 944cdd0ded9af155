package io.hoop.engine.postgres.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash a SCRAM mechanism is built on. PostgreSQL speaks only SHA-256; SHA-1 is here so the
 * server is checked against RFC 5802's own test vector too.
 */
enum ScramHash {
  SHA_1("SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 160),
  SHA_256("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 256);

  private final String digest;
  private final String mac;
  private final String pbkdf2;
  private final int bits;

  ScramHash(String digest, String mac, String pbkdf2, int bits) {
    this.digest = digest;
    this.mac = mac;
    this.pbkdf2 = pbkdf2;
    this.bits = bits;
  }

  byte[] pbkdf2(String password, byte[] salt, int iterations) {
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, bits);
    try {
      return SecretKeyFactory.getInstance(pbkdf2).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(pbkdf2 + " is not available in this JDK", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }

  byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac m = Mac.getInstance(mac);
      m.init(new SecretKeySpec(key, mac));
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(mac + " is not available in this JDK", e);
    }
  }

  byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance(digest).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(digest + " is not available in this JDK", e);
    }
  }
}
