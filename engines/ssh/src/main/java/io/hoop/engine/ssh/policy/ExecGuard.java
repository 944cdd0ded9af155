package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Decides whether an exec command may run under a role's {@link ExecPolicy}. The command is parsed
 * as the target's POSIX shell would ({@link CommandAnalyzer}); every simple command in it, wrappers
 * seen through, is checked; the worst outcome wins (deny, then review, then allow).
 *
 * <p>It fails closed: under any deny or review rule, or in allow-list mode, a command the parser
 * cannot see through (command substitution, here-documents, variables or globs in the command word,
 * a shell reading a script file, ...) is denied with the reason. A variable or glob in an argument
 * stands for any text: a deny or review rule matches when some value would match, an allow rule
 * only when every value would. Path-like arguments are also checked with {@code .}, {@code ..} and
 * {@code //} folded away (deny when either form matches; allow only when both do).
 *
 * <p>What it cannot see: what a program does with its arguments (an interpreter's {@code -c} or
 * {@code -e} text, {@code find -delete}, a script file's contents, a program that runs commands of
 * its own), the target's aliases for non-interactive shells, and a command found through a
 * different {@code PATH}. Allow-list mode is the strong form.
 */
public final class ExecGuard {
  /** The rule name of refusals for commands the parser cannot see through. */
  public static final String UNPARSEABLE = "exec.unparseable";

  /** The rule name of commands outside the allow list. */
  public static final String NOT_ALLOWED = "exec.default";

  private ExecGuard() {}

  /** The decision for {@code command} (the exec request's command string) under {@code policy}. */
  public static Decision decide(String command, ExecPolicy policy) {
    requireNonNull(command, "command");
    requireNonNull(policy, "policy");
    if (!policy.guarded()) {
      return Decision.allowByDefault();
    }
    List<SimpleCommand> commands;
    try {
      commands = CommandAnalyzer.analyze(command);
    } catch (ShellRefusal e) {
      return Decision.deny(
          UNPARSEABLE,
          "refused: "
              + e.getMessage()
              + " (this role has command guardrails, so what they cannot see is refused)");
    }
    Decision review = null;
    Decision allowed = null;
    for (SimpleCommand c : commands) {
      Decision d = decide(c, policy);
      switch (d.action()) {
        case DENY -> {
          return d;
        }
        case REVIEW -> {
          if (review == null) {
            review = d;
          }
        }
        case ALLOW -> {
          if (allowed == null) {
            allowed = d;
          }
        }
      }
    }
    if (review != null) {
      return review;
    }
    return allowed != null ? allowed : Decision.allowByDefault();
  }

  private static Decision decide(SimpleCommand c, ExecPolicy policy) {
    for (ExecRule r : policy.rules()) {
      boolean matched = r.action() == Action.ALLOW ? alwaysMatches(r, c) : mayMatch(r, c);
      if (!matched) {
        continue;
      }
      String text = "'" + c.display() + "' matches " + r.describe();
      String message = r.message() == null ? text : r.message() + " (" + text + ")";
      return switch (r.action()) {
        case DENY -> Decision.deny(r.id(), "denied: " + message);
        case REVIEW -> Decision.review(r.id(), "needs review: " + message);
        case ALLOW -> Decision.allow(r.id(), text);
      };
    }
    if (policy.defaultAction() == Action.DENY) {
      String why =
          c.opaque()
              ? " (its arguments have parts that cannot be resolved, so no allow rule can vouch for it)"
              : "";
      return Decision.deny(
          NOT_ALLOWED, "denied: '" + c.display() + "' is not in the allow list" + why);
    }
    return Decision.allowByDefault();
  }

  private static boolean mayMatch(ExecRule r, SimpleCommand c) {
    for (String text : List.of(c.joined(), c.joinedNormalized())) {
      if (r.match() != null && !globMay(r.match(), text)) {
        continue;
      }
      if (r.regex() != null && text.indexOf(ShellWord.ANY) < 0 && !r.regex().matcher(text).find()) {
        continue;
      }
      return true;
    }
    return false;
  }

  private static boolean alwaysMatches(ExecRule r, SimpleCommand c) {
    if (r.match() != null
        && !(tokensMatch(tokens(r.match().pattern()), words(c, false))
            && tokensMatch(tokens(r.match().pattern()), words(c, true)))) {
      return false;
    }
    if (r.regex() != null) {
      for (String text : List.of(c.joined(), c.joinedNormalized())) {
        if (text.indexOf(ShellWord.ANY) >= 0 || !r.regex().matcher(text).find()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Allow rules match argument by argument: a pattern word {@code *} stands for any number of whole
   * arguments; any other pattern word matches exactly one argument, and only a fully literal one (a
   * variable or glob argument could expand to anything, {@code ..} included).
   */
  private static boolean tokensMatch(List<String> pattern, List<String> words) {
    int n = pattern.size();
    int m = words.size();
    boolean[][] reach = new boolean[n + 1][m + 1];
    reach[0][0] = true;
    for (int i = 0; i <= n; i++) {
      for (int j = 0; j <= m; j++) {
        if (!reach[i][j] || i == n) {
          continue;
        }
        String p = pattern.get(i);
        if (p.equals("*")) {
          reach[i + 1][j] = true;
          if (j < m) {
            reach[i][j + 1] = true;
          }
        } else if (j < m
            && words.get(j).indexOf(ShellWord.ANY) < 0
            && Glob.of(p).matches(words.get(j))) {
          reach[i + 1][j + 1] = true;
        }
      }
    }
    return reach[n][m];
  }

  private static List<String> tokens(String pattern) {
    List<String> out = new java.util.ArrayList<>();
    StringBuilder t = new StringBuilder();
    for (int k = 0; k < pattern.length(); k++) {
      char ch = pattern.charAt(k);
      if (ch == '\\' && k + 1 < pattern.length()) {
        t.append(ch).append(pattern.charAt(++k));
      } else if (ch == ' ') {
        if (!t.isEmpty()) {
          out.add(t.toString());
          t.setLength(0);
        }
      } else {
        t.append(ch);
      }
    }
    if (!t.isEmpty()) {
      out.add(t.toString());
    }
    return out;
  }

  private static List<String> words(SimpleCommand c, boolean normalized) {
    List<String> out = new java.util.ArrayList<>();
    out.add(c.name());
    for (ShellWord w : c.args()) {
      out.add(normalized ? SimpleCommand.normalizePath(w.text()) : w.text());
    }
    return out;
  }

  private static boolean globMay(Glob g, String text) {
    return g.mayMatch(text) || (bare(g) != null && bare(g).mayMatch(text));
  }

  /** {@code "rm *"} also matches a bare {@code rm}. */
  private static Glob bare(Glob g) {
    String p = g.pattern();
    return p.endsWith(" *") && !p.endsWith("\\ *") ? Glob.of(p.substring(0, p.length() - 2)) : null;
  }
}
