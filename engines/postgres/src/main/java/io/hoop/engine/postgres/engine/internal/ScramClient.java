package io.hoop.engine.postgres.engine.internal;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802 and RFC 7677) without channel binding: client-first,
 * client-final with the proof, and verification of the server's signature so that a server that
 * does not know the password cannot pretend to have authenticated us.
 */
public final class ScramClient {
  /** The SASL mechanism name. */
  public static final String MECHANISM = "SCRAM-SHA-256";

  /** Above this the server is making us burn CPU; PostgreSQL's default is 4096. */
  static final int MAX_ITERATIONS = 1_000_000;

  private static final String GS2_HEADER = "n,,";
  private static final SecureRandom RANDOM = new SecureRandom();

  private enum State {
    INITIAL,
    SENT_FIRST,
    SENT_FINAL,
    DONE
  }

  private final String username;
  private final String password;
  private final String clientNonce;
  private State state = State.INITIAL;
  private String clientFirstBare;
  private byte[] expectedServerSignature;

  /**
   * @param username sent in client-first; PostgreSQL ignores it and uses the startup user, so the
   *     engine passes an empty name as libpq does
   * @param clientNonce printable nonce without commas; see {@link #randomNonce()}
   */
  public ScramClient(String username, String password, String clientNonce) {
    this.username = requireNonNull(username, "username");
    this.password = requireNonNull(password, "password");
    this.clientNonce = requireNonNull(clientNonce, "clientNonce");
  }

  /** 18 random bytes in base64, as libpq does. */
  public static String randomNonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The client-first message. */
  public String clientFirst() {
    if (state != State.INITIAL) {
      throw new IllegalStateException("client-first already sent");
    }
    clientFirstBare = "n=" + saslName(username) + ",r=" + clientNonce;
    state = State.SENT_FIRST;
    return GS2_HEADER + clientFirstBare;
  }

  /**
   * The client-final message (with the proof) answering {@code serverFirst}.
   *
   * @throws ScramException when the server's message is malformed or does not extend our nonce
   */
  public String clientFinal(String serverFirst) throws ScramException {
    if (state != State.SENT_FIRST) {
      throw new IllegalStateException("server-first received in state " + state);
    }
    Map<Character, String> attributes = attributes(serverFirst);
    String nonce = attributes.get('r');
    String saltText = attributes.get('s');
    String iterationText = attributes.get('i');
    if (nonce == null || saltText == null || iterationText == null) {
      throw new ScramException("server-first message lacks r=, s= or i=");
    }
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw new ScramException("server nonce does not extend the client nonce");
    }
    byte[] salt;
    int iterations;
    try {
      salt = Base64.getDecoder().decode(saltText);
      iterations = Integer.parseInt(iterationText);
    } catch (IllegalArgumentException e) {
      throw new ScramException("server-first message has a malformed salt or iteration count");
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new ScramException(
          "server asks for " + iterations + " iterations, expected 1.." + MAX_ITERATIONS);
    }
    String withoutProof =
        "c="
            + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
            + ",r="
            + nonce;
    byte[] authMessage =
        (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
    byte[] saltedPassword = pbkdf2(password, salt, iterations);
    byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
    byte[] storedKey = sha256(clientKey);
    byte[] clientSignature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
    }
    byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
    expectedServerSignature = hmac(serverKey, authMessage);
    state = State.SENT_FINAL;
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /**
   * Checks the server-final message.
   *
   * @throws ScramException when the server reports an error or its signature does not match
   */
  public void verifyServerFinal(String serverFinal) throws ScramException {
    if (state != State.SENT_FINAL) {
      throw new IllegalStateException("server-final received in state " + state);
    }
    Map<Character, String> attributes = attributes(serverFinal);
    if (attributes.containsKey('e')) {
      throw new ScramException("server rejected the SCRAM exchange: " + attributes.get('e'));
    }
    String verifier = attributes.get('v');
    if (verifier == null) {
      throw new ScramException("server-final message lacks v=");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(verifier);
    } catch (IllegalArgumentException e) {
      throw new ScramException("server signature is not base64");
    }
    if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
      throw new ScramException("server signature does not match: the server does not know the key");
    }
    state = State.DONE;
  }

  private static Map<Character, String> attributes(String message) {
    Map<Character, String> attributes = new LinkedHashMap<>();
    for (String part : message.split(",", -1)) {
      if (part.length() >= 2 && part.charAt(1) == '=') {
        attributes.putIfAbsent(part.charAt(0), part.substring(2));
      }
    }
    return attributes;
  }

  private static String saslName(String name) {
    return name.replace("=", "=3D").replace(",", "=2C");
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    // The JDK encodes the chars as UTF-8, which equals SASLprep's output for ASCII and for the
    // already-normalised passwords PostgreSQL stores.
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JDK", e);
    } finally {
      spec.clearPassword();
      java.util.Arrays.fill(chars, '\0');
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  /** A failed SCRAM exchange; the message never contains the password or derived keys. */
  public static final class ScramException extends Exception {
    private static final long serialVersionUID = 1L;

    ScramException(String message) {
      super(message);
    }
  }
}
