package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** ReadyForQuery ('Z'): the server awaits a new query, in the given transaction status. */
public record ReadyForQuery(TransactionStatus status) implements BackendMessage {
  public static final byte TYPE = 'Z';

  /** The transaction status carried by ReadyForQuery. */
  public enum TransactionStatus {
    IDLE('I'),
    IN_TRANSACTION('T'),
    FAILED('E');

    private final byte code;

    TransactionStatus(char code) {
      this.code = (byte) code;
    }

    /** The wire byte. */
    public byte code() {
      return code;
    }

    /** The status for a wire byte. */
    public static TransactionStatus of(byte code) {
      for (TransactionStatus s : values()) {
        if (s.code == code) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "transaction status byte " + code + " is not one of 'I', 'T', 'E'");
    }
  }

  public ReadyForQuery {
    requireNonNull(status, "status");
  }

  /** Decodes the body of a ReadyForQuery message. */
  public static ReadyForQuery decode(ByteBuf body) {
    ReadyForQuery ready = new ReadyForQuery(TransactionStatus.of(body.readByte()));
    Wire.requireConsumed(body, "ReadyForQuery");
    return ready;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeByte(status.code());
    Wire.end(out, at);
  }
}
