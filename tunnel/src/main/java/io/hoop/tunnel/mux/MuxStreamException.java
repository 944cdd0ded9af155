package io.hoop.tunnel.mux;

/** A stream that could not open or was reset; the message is the reason, without secrets. */
public final class MuxStreamException extends Exception {
  private static final long serialVersionUID = 1L;

  public MuxStreamException(String message) {
    super(message, null, false, false);
  }
}
