package io.hoop.broker.sessions;

import io.hoop.broker.util.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The HMAC key behind masking tokens, {@code <data-dir>/keys/mask.key} (32 random bytes, 0600),
 * created on first start so the same value masks to the same token across restarts.
 */
public final class MaskKey {
  static final int BYTES = 32;

  private MaskKey() {}

  /** Reads the key, creating it first if the data dir has none. */
  public static byte[] loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve("keys").resolve("mask.key");
    if (Files.exists(file)) {
      byte[] key = Files.readAllBytes(file);
      if (key.length != BYTES) {
        throw new IOException(
            file + " holds " + key.length + " bytes; expected a " + BYTES + "-byte key");
      }
      return key;
    }
    byte[] key = new byte[BYTES];
    new SecureRandom().nextBytes(key);
    SecureFiles.writePrivate(file, key);
    return key;
  }
}
