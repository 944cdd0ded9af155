package io.hoop.engine.ssh.engine;

import static java.util.Objects.requireNonNull;

/** Why an ssh tunnel cannot be admitted: a refusal code and a message for the user. */
public final class SshAdmissionException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String code;

  public SshAdmissionException(String code, String message) {
    super(requireNonNull(message, "message"));
    this.code = requireNonNull(code, "code");
  }

  /** The refusal code, e.g. {@code ssh_key_missing}. */
  public String code() {
    return code;
  }
}
