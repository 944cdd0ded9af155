package io.hoop.engine.postgres.message.frontend;

/** What a Describe or Close message refers to: a prepared statement or a portal. */
public enum ObjectKind {
  STATEMENT('S'),
  PORTAL('P');

  private final byte code;

  ObjectKind(char code) {
    this.code = (byte) code;
  }

  /** The wire byte, 'S' or 'P'. */
  public byte code() {
    return code;
  }

  /** The kind for a wire byte. */
  public static ObjectKind of(byte code) {
    return switch (code) {
      case 'S' -> STATEMENT;
      case 'P' -> PORTAL;
      default ->
          throw new IllegalArgumentException(
              "object kind byte " + code + " is neither 'S' (statement) nor 'P' (portal)");
    };
  }
}
