package io.hoop.engine.kubernetes.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.ExchangeDecision;
import io.hoop.engine.http.ExchangePolicy;
import io.hoop.engine.http.UpgradeTap;
import io.hoop.engine.http.config.ContentDetectors;
import io.hoop.engine.http.config.RuleAction;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.http.policy.RequestTarget;
import io.hoop.engine.http.proxy.RequestGuard;
import io.hoop.engine.kubernetes.config.KubeRole;
import io.hoop.engine.kubernetes.masking.SecretMasking;
import io.hoop.engine.kubernetes.policy.KubeGuard;
import io.hoop.engine.kubernetes.request.KubeRequest;
import io.hoop.engine.kubernetes.request.KubeRequestException;
import io.hoop.engine.ssh.policy.Decision;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Locale;
import java.util.Map;

/**
 * The kubernetes engine's {@link ExchangePolicy}: each request is read as the API server reads it
 * ({@link KubeGuard}: verb, group, resource, subresource, namespace, name; impersonation and
 * ambiguous paths refused), decided by the role's rules, and masked by {@link SecretMasking}'s plan
 * (Secret values, TokenRequest tokens; upstream asked for JSON only). Refusals are {@code Status}
 * objects kubectl prints; a stream the broker ends gets a last line naming why. Pure.
 */
final class KubeExchangePolicy implements ExchangePolicy {
  /** The rule of exec and attach upgrades hoop cannot record. */
  static final String RECORDING = "exec.recording";

  private final KubeRole role;
  private final ExecSessions sessions;
  private final ContentDetectors detectors;
  private final byte[] hashKey;

  KubeExchangePolicy(KubeRole role, ExecSessions sessions) {
    this(role, sessions, ContentDetectors.none(), new byte[32]);
  }

  /**
   * @param detectors the target's content detectors, for ConfigMap values and pod logs
   * @param hashKey the key of the {@code hash} style
   */
  KubeExchangePolicy(
      KubeRole role, ExecSessions sessions, ContentDetectors detectors, byte[] hashKey) {
    this.role = requireNonNull(role, "role");
    this.sessions = requireNonNull(sessions, "sessions");
    this.detectors = requireNonNull(detectors, "detectors");
    this.hashKey = requireNonNull(hashKey, "hashKey").clone();
  }

  @Override
  public ExchangeDecision decide(HttpRequest request, RequestTarget target) {
    KubeGuard.Verdict v =
        KubeGuard.decide(
            request.method().name(),
            target.path(),
            target.query(),
            request.headers().names(),
            role.policy());
    Decision d = v.decision();
    KubeRequest r = v.request();
    String rule = d.rule();
    if (r == null || d.action() == io.hoop.engine.ssh.policy.Action.DENY) {
      return ExchangeDecision.of(RuleAction.DENY, rule, d.message(), MaskPlan.none());
    }
    io.hoop.engine.kubernetes.masking.MaskPlan plan =
        SecretMasking.plan(
            r,
            request.headers().get(HttpHeaderNames.ACCEPT),
            role.maskSecrets(),
            detectors.active());
    Map<String, String> headers =
        plan.accept() == null ? Map.of() : Map.of(HttpHeaderNames.ACCEPT.toString(), plan.accept());
    RuleAction action =
        d.action() == io.hoop.engine.ssh.policy.Action.REVIEW
            ? RuleAction.REVIEW
            : RuleAction.ALLOW;
    UpgradeTap.Factory tap = null;
    if (ExecSessions.recorded(r) && RequestGuard.isUpgrade(request)) {
      String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
      if (!upgrade.trim().equalsIgnoreCase(ExecSessions.SPDY)) {
        return ExchangeDecision.of(
            RuleAction.DENY,
            RECORDING,
            "denied: "
                + r.subresource()
                + " sessions are recorded, and hoop reads them over SPDY/3.1 only (this client"
                + " asked for '"
                + printable(upgrade)
                + "'; kubectl falls back to SPDY/3.1)",
            MaskPlan.none());
      }
      try {
        tap = sessions.tap(r, target.query());
      } catch (KubeRequestException e) {
        return ExchangeDecision.of(
            RuleAction.DENY, KubeGuard.UNPARSEABLE, "refused: " + e.getMessage(), MaskPlan.none());
      }
    }
    MaskPlan masking =
        detectors.active() && SecretMasking.podLog(r)
            ? MaskPlan.ofLines(detectors.detectors(), detectors.style(), hashKey)
            : SecretMasks.of(plan, detectors, hashKey);
    return new ExchangeDecision(
        action,
        rule,
        d.message(),
        masking,
        plan.requireJson(),
        headers,
        step -> KubeRequestStep.of(r, step),
        tap);
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  @Override
  public String errorBody(int status, String error, String rule, String message) {
    return KubeStatus.status(status, message, rule);
  }

  @Override
  public String farewell(String contentType, String message) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.contains("json")) {
      return "\n" + KubeStatus.watchError(message);
    }
    return "\n" + message + "\n";
  }
}
