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
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677), against a stored {@link ScramVerifier}:
 * client-first in, server-first out; client-final in, server-final out when the proof matches. Over
 * TLS it also offers SCRAM-SHA-256-PLUS with {@code tls-server-end-point} channel binding (RFC
 * 5929: the hash of the server's certificate), which ties the exchange to this TLS connection: a
 * man in the middle holding another certificate cannot relay it. A client that says it could bind
 * ({@code y}) while binding is offered is refused (a downgrade). The proof is checked in constant
 * time; no message, exception or {@code toString} carries the proof or the keys. One instance
 * serves one exchange.
 */
public final class ScramServer {
  /** The SASL mechanism name PostgreSQL clients ask for. */
  public static final String MECHANISM = "SCRAM-SHA-256";

  /** The same with channel binding, offered over TLS. */
  public static final String MECHANISM_PLUS = "SCRAM-SHA-256-PLUS";

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
  private final byte[] bindingData;
  private State state = State.INITIAL;
  private ClientFirst first;
  private String serverFirst;

  /** An exchange against {@code verifier} with a random server nonce, without channel binding. */
  public ScramServer(ScramVerifier verifier) {
    this(ScramHash.SHA_256, verifier, ScramServer::randomNonce, null);
  }

  /**
   * An exchange that also offers channel binding.
   *
   * @param tlsServerEndPoint the {@code tls-server-end-point} data of this connection (see {@link
   *     #tlsServerEndPoint}); null offers none
   */
  public ScramServer(ScramVerifier verifier, byte[] tlsServerEndPoint) {
    this(ScramHash.SHA_256, verifier, ScramServer::randomNonce, tlsServerEndPoint);
  }

  ScramServer(ScramHash hash, ScramVerifier verifier, Supplier<String> serverNonce) {
    this(hash, verifier, serverNonce, null);
  }

  ScramServer(
      ScramHash hash, ScramVerifier verifier, Supplier<String> serverNonce, byte[] bindingData) {
    this.hash = requireNonNull(hash, "hash");
    this.verifier = requireNonNull(verifier, "verifier");
    this.serverNonce = requireNonNull(serverNonce, "serverNonce");
    this.bindingData = bindingData == null ? null : bindingData.clone();
  }

  /** The mechanisms to offer, the one with channel binding first when it is possible. */
  public java.util.List<String> mechanisms() {
    return bindingData == null
        ? java.util.List.of(MECHANISM)
        : java.util.List.of(MECHANISM_PLUS, MECHANISM);
  }

  /**
   * RFC 5929's {@code tls-server-end-point} data for a server certificate: its DER encoding hashed
   * with the hash of its signature algorithm, SHA-256 when that is MD5 or SHA-1 (or has none).
   */
  public static byte[] tlsServerEndPoint(java.security.cert.X509Certificate certificate)
      throws java.security.cert.CertificateEncodingException {
    String alg = certificate.getSigAlgName().toUpperCase(java.util.Locale.ROOT);
    String digest =
        alg.contains("SHA512") ? "SHA-512" : alg.contains("SHA384") ? "SHA-384" : "SHA-256";
    try {
      return MessageDigest.getInstance(digest).digest(certificate.getEncoded());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(digest + " is missing from this JVM", e);
    }
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
    return serverFirst(MECHANISM, clientFirst);
  }

  /**
   * As {@link #serverFirst(byte[])} for the {@code mechanism} the client chose, which must agree
   * with its GS2 flag: {@code p} only with {@link #MECHANISM_PLUS} (and only when it is offered),
   * and {@code y} never while binding is offered.
   */
  public String serverFirst(String mechanism, byte[] clientFirst) throws ScramFormatException {
    if (state != State.INITIAL) {
      throw new IllegalStateException("client-first received in state " + state);
    }
    state = State.FAILED;
    first = ScramMessages.clientFirst(clientFirst);
    boolean plus = MECHANISM_PLUS.equals(mechanism);
    if (plus && bindingData == null) {
      throw new ScramFormatException(MECHANISM_PLUS + " is not offered on this connection");
    }
    if (plus != (first.flag() == 'p')) {
      throw new ScramFormatException(
          plus
              ? MECHANISM_PLUS + " needs the channel binding flag p=tls-server-end-point"
              : "channel binding was asked for under " + MECHANISM + "; use " + MECHANISM_PLUS);
    }
    if (first.flag() == 'y' && bindingData != null) {
      throw new ScramFormatException(
          "the client could bind to the channel but thinks this server cannot, which offers it:"
              + " a downgrade, refused");
    }
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
    byte[] header = first.gs2Header().getBytes(StandardCharsets.UTF_8);
    byte[] binding = header;
    if (first.flag() == 'p') {
      binding = java.util.Arrays.copyOf(header, header.length + bindingData.length);
      System.arraycopy(bindingData, 0, binding, header.length, bindingData.length);
    }
    if (!MessageDigest.isEqual(
        fin.channelBinding().getBytes(StandardCharsets.US_ASCII),
        Base64.getEncoder().encode(binding))) {
      throw new ScramFormatException(
          first.flag() == 'p'
              ? "client-final message's channel binding is not this TLS connection's (another"
                  + " certificate in between?)"
              : "client-final message's c= does not match its GS2 header");
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
