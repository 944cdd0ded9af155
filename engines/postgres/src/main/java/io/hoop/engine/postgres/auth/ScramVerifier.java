package io.hoop.engine.postgres.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What a SCRAM server keeps instead of a password (RFC 5802 section 3): the salt, the iteration
 * count, StoredKey and ServerKey. Knowing it lets a server check a proof, never log in as the user.
 *
 * @param salt random salt, at least 16 bytes
 * @param iterations PBKDF2 iterations, at least {@link #MIN_ITERATIONS}
 * @param storedKey H(ClientKey)
 * @param serverKey HMAC(SaltedPassword, "Server Key")
 */
public record ScramVerifier(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
  /** RFC 7677's minimum and PostgreSQL's default. */
  public static final int MIN_ITERATIONS = 4096;

  private static final SecureRandom RANDOM = new SecureRandom();

  public ScramVerifier {
    requireNonNull(salt, "salt");
    requireNonNull(storedKey, "storedKey");
    requireNonNull(serverKey, "serverKey");
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations " + iterations + " must be at least 1");
    }
    salt = salt.clone();
    storedKey = storedKey.clone();
    serverKey = serverKey.clone();
  }

  /**
   * A SCRAM-SHA-256 verifier of {@code password} with a fresh 16-byte salt and {@code iterations}
   * (at least {@link #MIN_ITERATIONS}). The password should be ASCII: it is not
   * SASLprep-normalised.
   */
  public static ScramVerifier derive(String password, int iterations) {
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations " + iterations + " must be at least " + MIN_ITERATIONS);
    }
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return derive(ScramHash.SHA_256, password, salt, iterations);
  }

  static ScramVerifier derive(ScramHash hash, String password, byte[] salt, int iterations) {
    byte[] salted = hash.pbkdf2(requireNonNull(password, "password"), salt, iterations);
    try {
      byte[] clientKey = hash.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
      byte[] storedKey = hash.digest(clientKey);
      byte[] serverKey = hash.hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII));
      Arrays.fill(clientKey, (byte) 0);
      return new ScramVerifier(salt, iterations, storedKey, serverKey);
    } finally {
      Arrays.fill(salted, (byte) 0);
    }
  }

  /**
   * A verifier no password matches, for a user that does not exist: the exchange runs to its end
   * like a real one and fails, so a caller cannot tell unknown users from wrong passwords. The salt
   * is derived from {@code user} and {@code key}, so it is stable for a user yet unpredictable.
   */
  public static ScramVerifier unmatchable(String user, byte[] key) {
    byte[] salt =
        Arrays.copyOf(
            ScramHash.SHA_256.hmac(
                requireNonNull(key, "key"),
                requireNonNull(user, "user").getBytes(StandardCharsets.UTF_8)),
            16);
    byte[] stored = new byte[32];
    byte[] server = new byte[32];
    RANDOM.nextBytes(stored);
    RANDOM.nextBytes(server);
    return new ScramVerifier(salt, MIN_ITERATIONS, stored, server);
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] storedKey() {
    return storedKey.clone();
  }

  @Override
  public byte[] serverKey() {
    return serverKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScramVerifier v
        && iterations == v.iterations
        && Arrays.equals(salt, v.salt)
        && Arrays.equals(storedKey, v.storedKey)
        && Arrays.equals(serverKey, v.serverKey);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(salt) + iterations;
  }

  @Override
  public String toString() {
    return "ScramVerifier[iterations=" + iterations + ", keys=<hidden>]";
  }
}
