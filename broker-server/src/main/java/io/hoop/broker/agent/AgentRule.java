package io.hoop.broker.agent;

import io.hoop.broker.token.AdminTokens;
import java.util.regex.Pattern;

/**
 * Which principal may serve which agent name. Pure. An agent named {@code N} is served only by the
 * admin-minted token {@code token:agent:N} ({@code hoop-broker token create --principal agent:N}):
 * one identity per agent, never one shared by several, and a person's session can never serve an
 * agent. Names follow target names (lower-case letters, digits, {@code . _ -}, at most 63).
 */
public final class AgentRule {
  /** Agent names, as {@code via} names them. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private AgentRule() {}

  /** The principal that serves agent {@code name}. */
  public static String principalFor(String name) {
    return AdminTokens.PREFIX + "agent:" + name;
  }

  /**
   * Why {@code principal} (logged in by {@code method}) may not serve agent {@code name}, or null
   * when it may.
   */
  public static String refusal(String name, String principal, String method, boolean bound) {
    if (name == null || !NAME.matcher(name).matches()) {
      return "agent name '"
          + printable(name)
          + "' must be lower-case letters, digits, '.', '_' or '-' (max 63)";
    }
    if (!AdminTokens.METHOD.equals(method) || bound) {
      return "agent "
          + name
          + " presented a "
          + (bound ? "key-bound " : "")
          + "session of "
          + principal
          + "; an agent needs the admin-minted token "
          + principalFor(name);
    }
    if (!principalFor(name).equals(principal)) {
      return "principal "
          + principal
          + " may not serve agent "
          + name
          + "; expected "
          + principalFor(name);
    }
    return null;
  }

  static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
