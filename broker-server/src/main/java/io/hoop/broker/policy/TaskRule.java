package io.hoop.broker.policy;

import io.hoop.broker.config.TargetConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Checks a task id against the target's task pattern. Pure. */
public final class TaskRule {
  // Compiled once per pattern text: compiling on every request showed in the grants benchmark.
  // Bounded by the number of distinct patterns in configs loaded since start (a reload adds some).
  private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

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
    if (control
        || !COMPILED
            .computeIfAbsent(target.taskPattern(), Pattern::compile)
            .matcher(task)
            .matches()) {
      return Optional.of(
          "task id does not match the task pattern of target "
              + target.name()
              + ": "
              + target.taskPattern());
    }
    return Optional.empty();
  }
}
