package io.hoop.engine.postgres.message.backend;

import io.netty.buffer.ByteBuf;

/**
 * The single unframed byte answering SSLRequest or GSSENCRequest: 'S' (TLS follows), 'G' (GSSAPI
 * follows) or 'N' (continue unencrypted).
 */
public record EncryptionResponse(byte answer) implements BackendMessage {
  public static final EncryptionResponse REFUSED = new EncryptionResponse((byte) 'N');
  public static final EncryptionResponse TLS = new EncryptionResponse((byte) 'S');

  public EncryptionResponse {
    if (answer != 'S' && answer != 'N' && answer != 'G') {
      throw new IllegalArgumentException(
          "encryption answer byte " + answer + " is not one of 'S', 'G', 'N'");
    }
  }

  /** Whether the server accepted encryption. */
  public boolean accepted() {
    return answer != 'N';
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(answer);
  }
}
