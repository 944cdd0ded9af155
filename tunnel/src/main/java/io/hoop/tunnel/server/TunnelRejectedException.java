package io.hoop.tunnel.server;

/** A refused handshake: {@code code} is stable for scripts, the message is for the user. */
public final class TunnelRejectedException extends Exception {
  private final String code;

  public TunnelRejectedException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
