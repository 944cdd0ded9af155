package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * One exec rule: {@code match} is a glob over the command's name (the basename of the command word)
 * and arguments joined by single spaces, e.g. {@code rm *}; {@code regex}, when set, must also find
 * a match in that text. A pattern ending in {@code " *"} also matches the bare command. {@code id}
 * names the rule in decisions, e.g. {@code exec.rules[0]}.
 */
public record ExecRule(String id, Glob match, Pattern regex, Action action, String message) {
  public ExecRule {
    requireNonNull(id, "id");
    requireNonNull(action, "action");
    if (match == null && regex == null) {
      throw new IllegalArgumentException("an exec rule needs match or regex: " + id);
    }
  }

  /** A rule by glob alone. */
  public static ExecRule of(String id, String match, Action action, String message) {
    return new ExecRule(id, Glob.of(match), null, action, message);
  }

  /** For messages: the rule's id and pattern. */
  public String describe() {
    return id + " '" + (match != null ? match.pattern() : "/" + regex.pattern() + "/") + "'";
  }
}
