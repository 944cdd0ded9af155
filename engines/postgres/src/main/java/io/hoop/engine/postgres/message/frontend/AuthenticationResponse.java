package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The client's answer to an authentication request ('p'): PasswordMessage, SASLInitialResponse or
 * SASLResponse share a type byte and differ only by the request they answer, so the payload is kept
 * raw and read with the helper that matches the request.
 */
public record AuthenticationResponse(byte[] payload) implements FrontendMessage {
  public static final byte TYPE = 'p';

  /** A SASLInitialResponse: the chosen mechanism and its first message (null when absent). */
  public record SaslInitial(String mechanism, byte[] data) {
    @Override
    public String toString() {
      return "SaslInitial[mechanism=" + mechanism + "]";
    }
  }

  public AuthenticationResponse {
    requireNonNull(payload, "payload");
  }

  /** A PasswordMessage carrying a cleartext password or an MD5 hash string. */
  public static AuthenticationResponse password(String password) {
    ByteBuf buf = Unpooled.buffer();
    try {
      Wire.writeCString(buf, password);
      return new AuthenticationResponse(Wire.readRemaining(buf));
    } finally {
      buf.release();
    }
  }

  /** A SASLInitialResponse for {@code mechanism} with its client-first message. */
  public static AuthenticationResponse saslInitial(String mechanism, byte[] data) {
    ByteBuf buf = Unpooled.buffer();
    try {
      Wire.writeCString(buf, mechanism);
      if (data == null) {
        buf.writeInt(-1);
      } else {
        buf.writeInt(data.length).writeBytes(data);
      }
      return new AuthenticationResponse(Wire.readRemaining(buf));
    } finally {
      buf.release();
    }
  }

  /** A SASLResponse carrying the next mechanism message. */
  public static AuthenticationResponse saslResponse(byte[] data) {
    return new AuthenticationResponse(data.clone());
  }

  /** Reads the payload as a PasswordMessage. */
  public String password() {
    ByteBuf buf = Unpooled.wrappedBuffer(payload);
    String password = Wire.readCString(buf);
    Wire.requireConsumed(buf, "PasswordMessage");
    return password;
  }

  /** Reads the payload as a SASLInitialResponse. */
  public SaslInitial saslInitial() {
    ByteBuf buf = Unpooled.wrappedBuffer(payload);
    String mechanism = Wire.readCString(buf);
    int length = buf.readInt();
    byte[] data = length == -1 ? null : Wire.readBytes(buf, length);
    Wire.requireConsumed(buf, "SASLInitialResponse");
    return new SaslInitial(mechanism, data);
  }

  /** Reads the payload as a SASLResponse (the mechanism message itself). */
  public byte[] saslData() {
    return payload.clone();
  }

  /** The payload as UTF-8 text, for SCRAM messages. */
  public String saslText() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** Decodes the body of a 'p' message. */
  public static AuthenticationResponse decode(ByteBuf body) {
    return new AuthenticationResponse(Wire.readRemaining(body));
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeBytes(payload);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    // Carries passwords or SCRAM proofs.
    return "AuthenticationResponse[<hidden>]";
  }
}
