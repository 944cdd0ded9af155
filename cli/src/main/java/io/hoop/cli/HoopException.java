package io.hoop.cli;

/**
 * A failure the CLI reports as one line; its subclass decides the exit code (see {@link
 * ExitCodes}).
 */
public class HoopException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HoopException(String message) {
    super(message);
  }

  public HoopException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The broker could not be reached at all (refused, unknown host, no answer): exit 1 like any
   * error, but a command that can answer from what is stored ({@code hoop whoami}) may do so.
   */
  public static final class Unreachable extends HoopException {
    private static final long serialVersionUID = 1L;

    public Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The caller is not logged in or the session expired: exit 6. */
  public static final class NotLoggedIn extends HoopException {
    private static final long serialVersionUID = 1L;

    public NotLoggedIn(String message) {
      super(message);
    }
  }

  /** The broker or the identity provider said no: exit 3. */
  public static final class Denied extends HoopException {
    private static final long serialVersionUID = 1L;

    public Denied(String message) {
      super(message);
    }
  }

  /** The request waits for approval: exit 4. */
  public static final class Pending extends HoopException {
    private static final long serialVersionUID = 1L;

    public Pending(String message) {
      super(message);
    }
  }

  /** The grant expired or was revoked: exit 5. */
  public static final class GrantEnded extends HoopException {
    private static final long serialVersionUID = 1L;

    public GrantEnded(String message) {
      super(message);
    }
  }

  /** The command line was well-formed but its values are not usable: exit 2. */
  public static final class Usage extends HoopException {
    private static final long serialVersionUID = 1L;

    public Usage(String message) {
      super(message);
    }
  }

  /**
   * {@code hoop exec} did not get the remote command to an exit status: exit 255, like ssh, so a
   * remote status (0-254) is never mistaken for hoop's own; the message names hoop's own kind.
   */
  public static final class ExecFailed extends HoopException {
    private static final long serialVersionUID = 1L;

    public ExecFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
