package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * One sftp rule: the operations it covers and a path glob over normalized absolute paths ({@code *}
 * within a path segment, {@code **} across segments), e.g. {@code {op: [write, remove], path:
 * "/etc/**", action: deny}}.
 */
public record SftpRule(
    String id, Set<SftpOperation> operations, Glob path, Action action, String message) {
  public SftpRule {
    requireNonNull(id, "id");
    operations = Set.copyOf(requireNonNull(operations, "operations"));
    requireNonNull(path, "path");
    requireNonNull(action, "action");
  }

  String describe() {
    return id + " '" + path.pattern() + "'";
  }
}
