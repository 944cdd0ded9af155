package io.hoop.engine.ssh.config;

/** A known_hosts line is malformed or names a key type that is not accepted. */
public final class KnownHostsException extends Exception {
  private static final long serialVersionUID = 1L;

  KnownHostsException(String message) {
    super(message, null, false, false);
  }
}
