package io.hoop.engine.postgres.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses the two messages a SCRAM client sends (RFC 5802 section 7), strictly: attributes in their
 * order, printable nonces, base64 where base64 is due, a bounded size. A message that does not
 * parse is a {@link ScramFormatException} naming what was wrong, never echoing a proof.
 */
public final class ScramMessages {
  /** Longer client messages are refused: PostgreSQL's own are about 100 bytes. */
  public static final int MAX_MESSAGE_BYTES = 2048;

  private ScramMessages() {}

  /**
   * A client-first-message.
   *
   * @param gs2Header the GS2 header as sent ({@code n,,}, {@code y,,} or {@code
   *     p=tls-server-end-point,,}); what c= must encode (with the channel's binding data for p)
   * @param user the user name (PostgreSQL clients send an empty one; the startup user counts)
   * @param nonce the client nonce
   * @param bare the message without the GS2 header, part of the AuthMessage
   */
  public record ClientFirst(String gs2Header, String user, String nonce, String bare) {
    /** The GS2 flag: {@code n} (no binding), {@code y} (client could, thinks server cannot), p. */
    public char flag() {
      return gs2Header.charAt(0);
    }
  }

  /** The only channel binding type taken (RFC 5929; the one PostgreSQL implements). */
  public static final String TLS_SERVER_END_POINT = "tls-server-end-point";

  /**
   * A client-final-message.
   *
   * @param channelBinding the c= attribute, base64 of the GS2 header
   * @param nonce the combined nonce
   * @param proof the client proof
   * @param withoutProof the message up to the proof, part of the AuthMessage
   */
  public record ClientFinal(
      String channelBinding, String nonce, byte[] proof, String withoutProof) {
    @Override
    public String toString() {
      return "ClientFinal[nonce=" + nonce + ", proof=<hidden>]";
    }
  }

  /** Parses a client-first-message. */
  public static ClientFirst clientFirst(byte[] message) throws ScramFormatException {
    String text = text(message, "client-first");
    // gs2-header = gs2-cbind-flag "," [ authzid ] ","
    int first = text.indexOf(',');
    int second = first < 0 ? -1 : text.indexOf(',', first + 1);
    if (first < 0 || second < 0) {
      throw new ScramFormatException("client-first message has no GS2 header");
    }
    String flag = text.substring(0, first);
    if (flag.startsWith("p=") && !flag.equals("p=" + TLS_SERVER_END_POINT)) {
      throw new ScramFormatException(
          "client-first message asks for channel binding type '"
              + safe(flag.substring(2))
              + "'; only "
              + TLS_SERVER_END_POINT
              + " is offered");
    }
    if (!flag.equals("n") && !flag.equals("y") && !flag.startsWith("p=")) {
      throw new ScramFormatException(
          "client-first message has GS2 flag '" + safe(flag) + "', expected n or y");
    }
    if (second != first + 1) {
      throw new ScramFormatException(
          "client-first message names an authorization identity, which is not supported");
    }
    String bare = text.substring(second + 1);
    String[] parts = bare.split(",", -1);
    if (parts.length < 2) {
      throw new ScramFormatException("client-first message lacks n= or r=");
    }
    if (parts[0].startsWith("m=")) {
      throw new ScramFormatException(
          "client-first message has a mandatory extension, which is not supported");
    }
    if (!parts[0].startsWith("n=")) {
      throw new ScramFormatException("client-first message does not start with n=");
    }
    String user = saslName(parts[0].substring(2));
    if (!parts[1].startsWith("r=")) {
      throw new ScramFormatException("client-first message has no r= after n=");
    }
    String nonce = nonce(parts[1].substring(2), "client-first");
    for (int i = 2; i < parts.length; i++) {
      extension(parts[i], "client-first");
    }
    return new ClientFirst(text.substring(0, second + 1), user, nonce, bare);
  }

  /** Parses a client-final-message. */
  public static ClientFinal clientFinal(byte[] message) throws ScramFormatException {
    String text = text(message, "client-final");
    String[] parts = text.split(",", -1);
    if (parts.length < 3) {
      throw new ScramFormatException("client-final message lacks c=, r= or p=");
    }
    if (!parts[0].startsWith("c=")) {
      throw new ScramFormatException("client-final message does not start with c=");
    }
    String binding = parts[0].substring(2);
    base64(binding, "c=");
    if (!parts[1].startsWith("r=")) {
      throw new ScramFormatException("client-final message has no r= after c=");
    }
    String nonce = nonce(parts[1].substring(2), "client-final");
    String last = parts[parts.length - 1];
    if (!last.startsWith("p=")) {
      throw new ScramFormatException("client-final message does not end with p=");
    }
    for (int i = 2; i < parts.length - 1; i++) {
      extension(parts[i], "client-final");
    }
    byte[] proof = base64(last.substring(2), "p=");
    if (proof.length == 0) {
      throw new ScramFormatException("client-final message has an empty proof");
    }
    String withoutProof = text.substring(0, text.length() - last.length() - 1);
    return new ClientFinal(binding, nonce, proof, withoutProof);
  }

  private static String text(byte[] message, String what) throws ScramFormatException {
    if (message == null || message.length == 0) {
      throw new ScramFormatException(what + " message is empty");
    }
    if (message.length > MAX_MESSAGE_BYTES) {
      throw new ScramFormatException(
          what
              + " message has "
              + message.length
              + " bytes, expected at most "
              + MAX_MESSAGE_BYTES);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(message))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ScramFormatException(what + " message is not UTF-8");
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < 0x20 || text.charAt(i) == 0x7f) {
        throw new ScramFormatException(what + " message has a control character at " + i);
      }
    }
    return text;
  }

  private static String nonce(String value, String what) throws ScramFormatException {
    if (value.isEmpty()) {
      throw new ScramFormatException(what + " message has an empty nonce");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new ScramFormatException(what + " message's nonce has a non-printable character");
      }
    }
    return value;
  }

  private static void extension(String part, String what) throws ScramFormatException {
    if (part.length() < 2 || part.charAt(1) != '=' || !Character.isLetter(part.charAt(0))) {
      throw new ScramFormatException(what + " message has a malformed attribute");
    }
  }

  private static String saslName(String value) throws ScramFormatException {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '=') {
        if (value.startsWith("=2C", i)) {
          out.append(',');
        } else if (value.startsWith("=3D", i)) {
          out.append('=');
        } else {
          throw new ScramFormatException("client-first message's user name has a bad '=' escape");
        }
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] base64(String value, String attribute) throws ScramFormatException {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw new ScramFormatException(attribute + " is not base64");
    }
  }

  private static String safe(String value) {
    return value.length() > 16 ? value.substring(0, 16) + "..." : value;
  }

  /** A client message that is not SCRAM; the message names the problem, never a proof. */
  public static final class ScramFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ScramFormatException(String message) {
      super(message);
    }
  }
}
