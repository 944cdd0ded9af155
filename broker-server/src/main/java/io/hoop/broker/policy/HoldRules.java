package io.hoop.broker.policy;

import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import java.util.regex.Pattern;

/**
 * What may be held for review and who may decide a hold. Pure: the hold, the caller and the grant's
 * state come in, a {@link Verdict} goes out.
 *
 * <ul>
 *   <li>an operation is held only as its exact text: at most {@link #MAX_OPERATION} characters
 *       (longer ones are refused, never truncated, since an approval covers the whole text), no NUL
 *       and no unpaired surrogate (neither survives the store, so reviewers would see other text);
 *   <li>the grant's holder never decides their own hold, reviewer or not;
 *   <li>a decider is a reviewer of the hold's target (any of its groups, any stage: the grant went
 *       through the stages already, and a waiting session needs one decision within minutes);
 *   <li>one decision: only a pending hold of a live grant can be approved or denied.
 * </ul>
 */
public final class HoldRules {
  /** The longest operation a reviewer can be asked to approve, in characters. */
  public static final int MAX_OPERATION = 8192;

  /** The longest rule name. */
  public static final int MAX_RULE = 400;

  private static final Pattern KIND = Pattern.compile("^[a-z][a-z0-9_-]{0,39}$");

  private HoldRules() {}

  /** What the rules say. */
  public enum Kind {
    ALLOWED,
    SELF,
    NOT_A_REVIEWER,
    NOT_PENDING,
    GRANT_ENDED
  }

  /**
   * The verdict.
   *
   * @param kind what happened
   * @param message a sentence for the caller
   */
  public record Verdict(Kind kind, String message) {
    public boolean refused() {
      return kind != Kind.ALLOWED;
    }
  }

  /** Why {@code kind}, {@code operation} and {@code rule} cannot be held; null when they can. */
  public static String checkRequest(String kind, String operation, String rule) {
    if (!KIND.matcher(kind).matches()) {
      return "hold kind '"
          + printable(kind, 40)
          + "' must be 1-40 lower-case letters, digits, '_' or '-'";
    }
    if (operation.isEmpty()) {
      return "an empty " + kind + " operation cannot be held for review";
    }
    if (operation.length() > MAX_OPERATION) {
      return "the "
          + kind
          + " operation is "
          + operation.length()
          + " characters long; operations over "
          + MAX_OPERATION
          + " characters cannot be reviewed, so it is refused";
    }
    if (operation.indexOf('\0') >= 0) {
      return "the " + kind + " operation contains a NUL character; it cannot be reviewed";
    }
    for (int i = 0; i < operation.length(); i++) {
      char c = operation.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < operation.length()
          && Character.isLowSurrogate(operation.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "the " + kind + " operation is not valid Unicode (an unpaired surrogate)";
      }
    }
    if (rule.isBlank()
        || rule.length() > MAX_RULE
        || rule.chars().anyMatch(Character::isISOControl)) {
      return "a hold's rule must be 1-" + MAX_RULE + " printable characters";
    }
    return null;
  }

  /**
   * Whether {@code caller} may approve or deny {@code hold} (its status as of now).
   *
   * @param reviewer whether the caller reviews the hold's target
   * @param grantStatus the hold's grant's status as of now
   */
  public static Verdict decide(
      HeldOperation hold, String caller, boolean reviewer, GrantStatus grantStatus) {
    if (caller.equals(hold.principal())) {
      return new Verdict(
          Kind.SELF,
          "you cannot approve or deny your own held operation "
              + hold.id()
              + ", even as a reviewer of "
              + hold.target());
    }
    if (!reviewer) {
      return new Verdict(
          Kind.NOT_A_REVIEWER,
          caller + " is not a reviewer of " + hold.target() + " and cannot decide " + hold.id());
    }
    if (hold.status() != HoldStatus.PENDING) {
      return new Verdict(
          Kind.NOT_PENDING,
          "hold "
              + hold.id()
              + " is "
              + hold.status().name().toLowerCase(java.util.Locale.ROOT)
              + (hold.decidedBy() == null ? "" : " (" + hold.decidedBy() + ")")
              + "; an approval covers one pending operation once");
    }
    if (grantStatus != GrantStatus.APPROVED) {
      return new Verdict(
          Kind.GRANT_ENDED,
          "grant "
              + hold.grantId()
              + " of hold "
              + hold.id()
              + " is "
              + (grantStatus == null
                  ? "gone"
                  : grantStatus.name().toLowerCase(java.util.Locale.ROOT))
              + "; its held operations cannot run");
    }
    return new Verdict(Kind.ALLOWED, "");
  }

  /** At most {@code max} characters, control characters replaced: for messages only. */
  static String printable(String s, int max) {
    String t = s.length() > max ? s.substring(0, max) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }
}
