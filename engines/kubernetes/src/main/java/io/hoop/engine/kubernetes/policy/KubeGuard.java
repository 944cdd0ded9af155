package io.hoop.engine.kubernetes.policy;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.kubernetes.request.KubeRequest;
import io.hoop.engine.kubernetes.request.KubeRequestException;
import io.hoop.engine.kubernetes.request.KubeRequestParser;
import io.hoop.engine.kubernetes.request.RequestHeaders;
import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.Decision;
import io.hoop.engine.ssh.policy.ExecGuard;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides a Kubernetes API request under a role's {@link KubePolicy}. Pure.
 *
 * <p>Precedence: every rule is checked; any matching deny wins, then any review, then any allow
 * (the first of each kind names the decision); a request no rule matches gets the default. Order
 * only picks which rule a decision names. Discovery and health paths kubectl needs ({@code /api},
 * {@code /apis/...} up to a version, {@code /version}, {@code /openapi/...}, {@code /healthz},
 * {@code /livez}, {@code /readyz}) are allowed unless a deny or review rule matches them.
 *
 * <p>Fails closed: a request the parser refuses is denied ({@value #UNPARSEABLE}); under guarded
 * exec rules, an exec is allowed only when its argv passes {@link ExecGuard} (given as a quoted
 * shell line, so {@code sh -c '...'} is seen through), an exec without a command is denied, and
 * {@code pods/attach} is denied ({@value #ATTACH}: the attached process's input cannot be judged).
 */
public final class KubeGuard {
  /** The rule of requests hoop cannot read as the API server would. */
  public static final String UNPARSEABLE = "request.unparseable";

  /** The rule of requests no rule matched under a deny default. */
  public static final String DEFAULT = "default";

  /** The rule of attach under guarded exec rules. */
  public static final String ATTACH = "exec.attach";

  private static final Pattern DISCOVERY =
      Pattern.compile(
          "^/(api(/[a-z0-9]+)?|apis(/[a-z0-9.-]+(/[a-z0-9]+)?)?|version|healthz|livez|readyz"
              + "|openapi/v2|openapi/v3(/[A-Za-z0-9._/-]+)?)$");

  private KubeGuard() {}

  /**
   * Parses then decides; a request the parser or the header check refuses is denied.
   *
   * @param headerNames the names of the client's request headers
   */
  public static Verdict decide(
      String method, String rawPath, String rawQuery, Iterable<String> headerNames, KubePolicy p) {
    requireNonNull(p, "p");
    KubeRequest r;
    try {
      RequestHeaders.check(headerNames);
      r = KubeRequestParser.parse(method, rawPath, rawQuery);
    } catch (KubeRequestException e) {
      return new Verdict(null, Decision.deny(UNPARSEABLE, "refused: " + e.getMessage()));
    }
    return new Verdict(r, decide(r, p));
  }

  /** The decision for a parsed request. */
  public static Decision decide(KubeRequest r, KubePolicy p) {
    requireNonNull(r, "r");
    requireNonNull(p, "p");
    KubeRule deny = null;
    KubeRule review = null;
    KubeRule allow = null;
    for (KubeRule rule : p.rules()) {
      if (!rule.matches(r)) {
        continue;
      }
      switch (rule.action()) {
        case DENY -> deny = deny == null ? rule : deny;
        case REVIEW -> review = review == null ? rule : review;
        case ALLOW -> allow = allow == null ? rule : allow;
      }
    }
    String what = "'" + r.describe() + "' matches ";
    if (deny != null) {
      return Decision.deny(deny.id(), "denied: " + text(what, deny));
    }
    Decision d;
    if (review != null) {
      d = Decision.review(review.id(), "needs review: " + text(what, review));
    } else if (allow != null) {
      d = Decision.allow(allow.id(), what + allow.describe());
    } else if (!r.resourceRequest() && DISCOVERY.matcher(r.path()).matches()) {
      d = Decision.allow("discovery", "discovery path " + r.path());
    } else if (p.defaultAction() == Action.DENY) {
      return Decision.deny(
          DEFAULT, "denied: '" + r.describe() + "' matches no rule and the role's default is deny");
    } else {
      d = Decision.allowByDefault();
    }
    return worst(d, exec(r, p));
  }

  private static Decision exec(KubeRequest r, KubePolicy p) {
    if (!p.exec().guarded() || !r.resourceRequest() || !r.resource().equals("pods")) {
      return null;
    }
    if (r.subresource().equals("attach")) {
      return Decision.deny(
          ATTACH,
          "denied: attach to "
              + r.name()
              + " (this role has exec command rules, and what an attached process reads cannot"
              + " be checked)");
    }
    if (!r.subresource().equals("exec")) {
      return null;
    }
    if (r.command().isEmpty()) {
      return Decision.deny(ExecGuard.UNPARSEABLE, "denied: exec without a command");
    }
    return ExecGuard.decide(shellLine(r.command()), p.exec());
  }

  /** The argv as a POSIX shell line that parses back to exactly these words. */
  static String shellLine(List<String> argv) {
    StringBuilder s = new StringBuilder();
    for (String a : argv) {
      if (!s.isEmpty()) {
        s.append(' ');
      }
      s.append('\'').append(a.replace("'", "'\\''")).append('\'');
    }
    return s.toString();
  }

  private static Decision worst(Decision a, Decision b) {
    if (b == null) {
      return a;
    }
    return rank(b.action()) > rank(a.action()) ? b : a;
  }

  private static int rank(Action a) {
    return switch (a) {
      case ALLOW -> 0;
      case REVIEW -> 1;
      case DENY -> 2;
    };
  }

  private static String text(String what, KubeRule rule) {
    String t = what + rule.describe();
    return rule.message() == null ? t : rule.message() + " (" + t + ")";
  }

  /** A decision and the request it is about (null when the request could not be parsed). */
  public record Verdict(KubeRequest request, Decision decision) {
    public Verdict {
      requireNonNull(decision, "decision");
    }
  }
}
