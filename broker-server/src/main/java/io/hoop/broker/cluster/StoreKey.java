package io.hoop.broker.cluster;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The store key ({@code store.keyFile}): 32 random bytes, base64, in a file only the broker reads,
 * given to every replica like its store password. It seals the keys the replicas share in the store
 * (AES-256-GCM, the key's name bound as associated data), so reading the store's tables yields no
 * signing key. It never appears in {@link #toString()}, logs or errors.
 */
public final class StoreKey {
  static final int BYTES = 32;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final long MAX_FILE = 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private StoreKey(byte[] raw) {
    this.key = new SecretKeySpec(raw, "AES");
  }

  /**
   * Reads a store key file.
   *
   * @throws IOException naming the file and what is wrong with it (missing, readable by others, not
   *     32 bytes of base64); never its content
   */
  public static StoreKey read(Path file) throws IOException {
    requireNonNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IOException("store key " + file + " is not a readable file");
    }
    if (Files.size(file) > MAX_FILE) {
      throw new IOException("store key " + file + " is larger than " + MAX_FILE + " bytes");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.contains(PosixFilePermission.GROUP_READ)
        || perms.contains(PosixFilePermission.OTHERS_READ)) {
      throw new IOException("store key " + file + " is readable by group or others; chmod 600 it");
    }
    byte[] raw;
    try {
      raw =
          Base64.getDecoder()
              .decode(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).strip());
    } catch (IllegalArgumentException e) {
      raw = new byte[0];
    }
    if (raw.length != BYTES) {
      throw new IOException(
          "store key "
              + file
              + " must hold "
              + BYTES
              + " random bytes in base64 (make one with: openssl rand -base64 32 > "
              + file
              + ")");
    }
    return new StoreKey(raw);
  }

  /** A key from raw bytes (for tests). */
  static StoreKey of(byte[] raw) {
    if (raw.length != BYTES) {
      throw new IllegalArgumentException("a store key is " + BYTES + " bytes, not " + raw.length);
    }
    return new StoreKey(raw.clone());
  }

  /** Seals {@code content} stored under {@code name}: base64 of nonce and ciphertext. */
  String seal(String name, byte[] content) {
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(content);
      byte[] out = Arrays.copyOf(nonce, NONCE + sealed.length);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  /**
   * Opens what {@link #seal} made for {@code name}.
   *
   * @throws IOException when it does not open: another store key, or a row changed or moved to
   *     another name in the store
   */
  byte[] open(String name, String sealed) throws IOException {
    byte[] in;
    try {
      in = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      in = new byte[0];
    }
    if (in.length < NONCE + TAG_BITS / 8) {
      throw new IOException("the store's copy of " + name + " is not a sealed key");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
      c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(in, NONCE, in.length - NONCE);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IOException(
          "the store's copy of "
              + name
              + " does not open with this broker's store.keyFile: the replicas must share one"
              + " store key (or the row was altered)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "StoreKey[<redacted>]";
  }
}
