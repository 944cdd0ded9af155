package io.hoop.cli.commands;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionStatement;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.sessions.SessionsApi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Tells a command the broker refused from a remote command that failed by itself. What ssh shows is
 * not proof: a remote command can print the broker's refusal line and exit with its status. The
 * broker's session record is: the refused request is a blocked step of the tunnel's session. The
 * broker writes steps a moment after they happen, so the record is polled for a short while, and
 * only when ssh's stderr carried the refusal line.
 */
final class ExecRefusal {
  /** What the broker's SSH end writes on stderr when it refuses a request. */
  static final String MARKER = "refused by policy";

  static final Duration WAIT = Duration.ofSeconds(3);
  static final Duration POLL = Duration.ofMillis(100);

  private ExecRefusal() {}

  /**
   * The id of the session among {@code sessionIds} that has a blocked step, looked for until {@link
   * #WAIT} has passed.
   */
  static Optional<String> confirm(SessionsApi api, List<String> sessionIds, Sleeper sleeper)
      throws InterruptedException {
    requireNonNull(api, "api");
    requireNonNull(sessionIds, "sessionIds");
    if (sessionIds.isEmpty()) {
      return Optional.empty();
    }
    long polls = WAIT.toMillis() / POLL.toMillis();
    for (long i = 0; ; i++) {
      for (String id : sessionIds) {
        if (blocked(api, id)) {
          return Optional.of(id);
        }
      }
      if (i >= polls) {
        return Optional.empty();
      }
      sleeper.sleep(POLL);
    }
  }

  private static boolean blocked(SessionsApi api, String sessionId) {
    SessionDetail detail;
    try {
      detail = api.show(sessionId);
    } catch (BrokerException e) {
      // Not confirmed: the status stays the remote one.
      return false;
    }
    return detail.statements().stream().anyMatch(SessionStatement::blocked);
  }
}
