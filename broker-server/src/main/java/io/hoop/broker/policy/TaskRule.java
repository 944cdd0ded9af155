package io.hoop.broker.policy;

import io.hoop.broker.config.TargetConfig;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks a task id against the target's task pattern. Pure. */
public final class TaskRule {
  private TaskRule() {}

  /**
   * Why the task id is not acceptable on the target, or empty when it is.
   *
   * @param task a non-blank task id as the requester typed it
   */
  public static Optional<String> check(TargetConfig target, String task) {
    // Control characters never pass, whatever the pattern allows: task ids end up in audit
    // records and terminals.
    boolean control = task.chars().anyMatch(Character::isISOControl);
    if (control || !Pattern.compile(target.taskPattern()).matcher(task).matches()) {
      return Optional.of(
          "task id does not match the task pattern of target "
              + target.name()
              + ": "
              + target.taskPattern());
    }
    return Optional.empty();
  }
}
