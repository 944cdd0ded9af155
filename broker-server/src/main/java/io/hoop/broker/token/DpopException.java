package io.hoop.broker.token;

import static java.util.Objects.requireNonNull;

/**
 * A request or tunnel handshake lacks a valid proof of possession; {@link #code()} is the stable
 * error code ({@code dpop_required}, {@code invalid_dpop_proof}, {@code dpop_replay}, {@code
 * dpop_expired}) and the message says what to do. Never contains the proof or a token.
 */
public final class DpopException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The caller must send a proof and did not. */
  public static final String REQUIRED = "dpop_required";

  /** The proof is malformed, signed by the wrong key, or made for another request. */
  public static final String INVALID = "invalid_dpop_proof";

  /** The proof's jti was seen before. */
  public static final String REPLAY = "dpop_replay";

  /** The proof's iat is outside the accepted window. */
  public static final String EXPIRED = "dpop_expired";

  private final String code;

  public DpopException(String code, String message) {
    super(message);
    this.code = requireNonNull(code, "code");
  }

  public String code() {
    return code;
  }
}
