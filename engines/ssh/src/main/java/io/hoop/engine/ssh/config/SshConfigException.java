package io.hoop.engine.ssh.config;

/**
 * The ssh section of a target is invalid; the message starts with the key, e.g. {@code
 * targets[2].ssh.roles.admin.user}.
 */
public final class SshConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public SshConfigException(String message) {
    super(message);
  }
}
