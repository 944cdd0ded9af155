package io.hoop.cli;

import io.hoop.cli.broker.BrokerException;
import picocli.CommandLine;
import picocli.CommandLine.IExitCodeExceptionMapper;

/** The CLI's documented exit codes and the one place exceptions are mapped to them. */
public final class ExitCodes implements IExitCodeExceptionMapper {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int DENIED = 3;
  public static final int PENDING = 4;
  public static final int GRANT_ENDED = 5;
  public static final int NOT_LOGGED_IN = 6;

  /**
   * {@code hoop exec} only: the broker refused the command by policy (the status its SSH end
   * reports, confirmed by the session's record); a remote command can exit 126 by itself too.
   */
  public static final int EXEC_REFUSED = 126;

  /** {@code hoop exec} only: hoop or ssh could not run the command to an exit status. */
  public static final int EXEC_FAILED = 255;

  /** The "Exit codes:" section shown at the end of {@code hoop --help}. */
  static final String HELP_SECTION =
      "%nExit codes:%n"
          + "  0  ok%n"
          + "  1  error (broker unreachable, bad response, a failed hoop exec SQL statement)%n"
          + "  2  usage: bad option or value%n"
          + "  3  refused by the broker or the identity provider (policy, a value the%n"
          + "     target does not accept, a request already decided)%n"
          + "  4  request pending approval%n"
          + "  5  grant expired or revoked%n"
          + "  6  not logged in or session expired (run hoop login)%n"
          + "  126  hoop exec: the broker refused the command (or SQL statement) by policy%n"
          + "  255  hoop exec: the remote command did not run to an exit status%n";

  @Override
  public int getExitCode(Throwable exception) {
    return of(exception);
  }

  /** Exit code for an exception thrown by a command. */
  public static int of(Throwable exception) {
    if (exception instanceof HoopException.ExecFailed) {
      return EXEC_FAILED;
    }
    if (exception instanceof CommandLine.ParameterException
        || exception instanceof HoopException.Usage) {
      return USAGE;
    }
    if (exception instanceof HoopException.NotLoggedIn) {
      return NOT_LOGGED_IN;
    }
    if (exception instanceof HoopException.Denied) {
      return DENIED;
    }
    if (exception instanceof HoopException.Pending) {
      return PENDING;
    }
    if (exception instanceof HoopException.GrantEnded) {
      return GRANT_ENDED;
    }
    if (exception instanceof BrokerException broker) {
      switch (broker.httpStatus()) {
        case 401:
          return NOT_LOGGED_IN;
        case 400:
        case 403:
        case 409:
          // The broker understood and said no: policy, a value the target does not accept (a
          // task id off its pattern, an unknown role), or a state that does not allow it (a
          // request already decided). 404 and 5xx stay errors.
          return DENIED;
        default:
          return ERROR;
      }
    }
    return ERROR;
  }
}
