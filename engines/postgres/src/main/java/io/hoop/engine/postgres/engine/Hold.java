package io.hoop.engine.postgres.engine;

import io.hoop.engine.postgres.guard.Decision;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.hoop.tunnel.engine.Holds;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One statement held for a reviewer: the client's message that runs it once approved (a Query or an
 * Execute), the rule that held it, what reviewers see, and the broker's hold once recorded. Lives
 * on the session's event loop.
 */
final class Hold {
  final FrontendMessage message;
  final Decision decision;
  final String sql;
  final List<String> parameters;
  Holds.Hold recorded;
  ScheduledFuture<?> timer;

  Hold(FrontendMessage message, Decision decision, String sql, List<String> parameters) {
    this.message = message;
    this.decision = decision;
    this.sql = sql;
    this.parameters = parameters;
  }

  /** The operation text reviewers approve: the SQL, then its parameters (masked) if any. */
  String operation() {
    if (parameters.isEmpty()) {
      return sql;
    }
    StringBuilder sb = new StringBuilder(sql).append("\n-- parameters:");
    for (int i = 0; i < parameters.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append('$').append(i + 1).append(" = ");
      sb.append(parameters.get(i));
    }
    return sb.toString();
  }

  /** The hold's id for messages, once recorded. */
  String id() {
    return recorded == null ? "(not recorded)" : recorded.id();
  }

  /** Ends the broker's hold as cancelled (no-op before it is recorded) and stops the timer. */
  void cancel() {
    if (timer != null) {
      timer.cancel(false);
    }
    if (recorded != null) {
      try {
        recorded.cancel();
      } catch (RuntimeException e) {
        // The broker's store failing to mark it cancelled must not stop the session's answer.
      }
    }
  }
}
