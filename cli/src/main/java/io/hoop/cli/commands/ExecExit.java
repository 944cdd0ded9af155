package io.hoop.cli.commands;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import java.util.Map;

/**
 * How {@code hoop exec} tells the remote command's status from its own failures: the remote status
 * passes through as ssh reports it (0-254), and everything that kept the command from running to a
 * status exits 255, as ssh itself does, with a stderr line naming hoop's reason.
 */
final class ExecExit {
  private static final Map<Integer, String> KINDS =
      Map.of(
          ExitCodes.ERROR, "error",
          ExitCodes.USAGE, "usage",
          ExitCodes.DENIED, "denied",
          ExitCodes.PENDING, "pending approval",
          ExitCodes.GRANT_ENDED, "grant ended",
          ExitCodes.NOT_LOGGED_IN, "not logged in");

  private ExecExit() {}

  /** The exit status of {@code hoop exec} for ssh's: the remote command's, or 255 from ssh. */
  static int ofSsh(int sshStatus) {
    return sshStatus < 0 || sshStatus > 255 ? ExitCodes.EXEC_FAILED : sshStatus;
  }

  /**
   * Hoop's own failure as exit 255, its message ending with the kind hoop connect would exit as.
   */
  static HoopException.ExecFailed failed(Throwable e) {
    if (e instanceof HoopException.ExecFailed f) {
      return f;
    }
    int code = ExitCodes.of(e);
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new HoopException.ExecFailed(
        message + " [hoop exec: " + KINDS.getOrDefault(code, "error") + ", exit 255]", e);
  }
}
