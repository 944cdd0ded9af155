package io.hoop.engine.postgres.message;

import static java.util.Objects.requireNonNull;

/**
 * Reported by the decoders instead of throwing when input is not valid protocol; the decoder
 * discards all further input, so the handler should answer with an error and close.
 */
public record DecodeFailure(String message) {
  public DecodeFailure {
    requireNonNull(message, "message");
  }
}
