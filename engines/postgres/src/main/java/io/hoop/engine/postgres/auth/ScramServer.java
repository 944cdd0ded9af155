package io.hoop.engine.postgres.auth;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.auth.ScramMessages.ClientFinal;
import io.hoop.engine.postgres.auth.ScramMessages.ClientFirst;
import io.hoop.engine.postgres.auth.ScramMessages.ScramFormatException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, against a stored
 * {@link ScramVerifier}: client-first in, server-first out; client-final in, server-final out when
 * the proof matches. The proof is checked in constant time; no message, exception or {@code
 * toString} carries the proof or the keys. One instance serves one exchange.
 */
public final class ScramServer {
  /** The SASL mechanism name PostgreSQL clients ask for. */
  public static final String MECHANISM = "SCRAM-SHA-256";

  private static final SecureRandom RANDOM = new SecureRandom();

  private enum State {
    INITIAL,
    SENT_FIRST,
    DONE,
    FAILED
  }

  private final ScramHash hash;
  private final ScramVerifier verifier;
  private final Supplier<String> serverNonce;
  private State state = State.INITIAL;
  private ClientFirst first;
  private String serverFirst;

  /** An exchange against {@code verifier} with a random server nonce. */
  public ScramServer(ScramVerifier verifier) {
    this(ScramHash.SHA_256, verifier, ScramServer::randomNonce);
  }

  ScramServer(ScramHash hash, ScramVerifier verifier, Supplier<String> serverNonce) {
    this.hash = requireNonNull(hash, "hash");
    this.verifier = requireNonNull(verifier, "verifier");
    this.serverNonce = requireNonNull(serverNonce, "serverNonce");
  }

  /** 18 random bytes in base64, as PostgreSQL does. */
  static String randomNonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Reads the client-first-message and answers with the server-first-message.
   *
   * @throws ScramFormatException when the message is not a client-first-message this server takes
   */
  public String serverFirst(byte[] clientFirst) throws ScramFormatException {
    if (state != State.INITIAL) {
      throw new IllegalStateException("client-first received in state " + state);
    }
    state = State.FAILED;
    first = ScramMessages.clientFirst(clientFirst);
    serverFirst =
        "r="
            + first.nonce()
            + serverNonce.get()
            + ",s="
            + Base64.getEncoder().encodeToString(verifier.salt())
            + ",i="
            + verifier.iterations();
    state = State.SENT_FIRST;
    return serverFirst;
  }

  /**
   * Reads the client-final-message and, when its proof matches the verifier, answers with the
   * server-final-message ({@code v=}).
   *
   * @throws ScramFormatException when the message is malformed or does not continue this exchange
   * @throws ScramAuthenticationException when the proof does not match (a wrong password)
   */
  public String serverFinal(byte[] clientFinal)
      throws ScramFormatException, ScramAuthenticationException {
    if (state != State.SENT_FIRST) {
      throw new IllegalStateException("client-final received in state " + state);
    }
    state = State.FAILED;
    ClientFinal fin = ScramMessages.clientFinal(clientFinal);
    String expectedBinding =
        Base64.getEncoder().encodeToString(first.gs2Header().getBytes(StandardCharsets.UTF_8));
    if (!fin.channelBinding().equals(expectedBinding)) {
      throw new ScramFormatException("client-final message's c= does not match its GS2 header");
    }
    String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
    if (!fin.nonce().equals(nonce)) {
      throw new ScramFormatException("client-final message's nonce is not this exchange's");
    }
    byte[] authMessage =
        (first.bare() + "," + serverFirst + "," + fin.withoutProof())
            .getBytes(StandardCharsets.UTF_8);
    byte[] storedKey = verifier.storedKey();
    byte[] signature = hash.hmac(storedKey, authMessage);
    byte[] proof = fin.proof();
    boolean matches = proof.length == signature.length;
    byte[] clientKey = new byte[signature.length];
    for (int i = 0; i < clientKey.length; i++) {
      clientKey[i] = (byte) (signature[i] ^ (i < proof.length ? proof[i] : 0));
    }
    // Constant time: the comparison does not stop at the first differing byte.
    matches &= MessageDigest.isEqual(hash.digest(clientKey), storedKey);
    if (!matches) {
      throw new ScramAuthenticationException();
    }
    state = State.DONE;
    return "v=" + Base64.getEncoder().encodeToString(hash.hmac(verifier.serverKey(), authMessage));
  }

  /** True once a client proved it knows the password. */
  public boolean authenticated() {
    return state == State.DONE;
  }

  @Override
  public String toString() {
    return "ScramServer[state=" + state + "]";
  }

  /** The client's proof did not match the verifier: the password is wrong. */
  public static final class ScramAuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    ScramAuthenticationException() {
      super("the SCRAM proof does not match: wrong password");
    }
  }
}
