package io.hoop.engine.http;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.config.RuleAction;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.tunnel.engine.SessionStep;
import java.util.Map;
import java.util.function.Function;

/**
 * What an {@link ExchangePolicy} decided for one request.
 *
 * @param rule the rule (or check) that decided, named in refusals and records
 * @param reason what the client is told when the request is refused
 * @param masking how the answer's JSON body is masked ({@link MaskPlan#active()} false: relayed as
 *     it is)
 * @param requireJson whether an answer that is not JSON must be refused rather than relayed (the
 *     masking cannot read it)
 * @param setHeaders headers the target gets in place of the client's (e.g. an {@code Accept} the
 *     masking can read)
 * @param step turns the proxy's record of the exchange into the step the session records
 * @param upgradeTap what reads an allowed upgrade's bytes as they are relayed, null for none
 */
public record ExchangeDecision(
    RuleAction action,
    String rule,
    String reason,
    MaskPlan masking,
    boolean requireJson,
    Map<String, String> setHeaders,
    Function<HttpRequestStep, SessionStep> step,
    UpgradeTap.Factory upgradeTap) {
  public ExchangeDecision {
    requireNonNull(action, "action");
    requireNonNull(rule, "rule");
    requireNonNull(reason, "reason");
    requireNonNull(masking, "masking");
    setHeaders = Map.copyOf(requireNonNull(setHeaders, "setHeaders"));
    requireNonNull(step, "step");
  }

  /** A decision whose upgrades (if any) are relayed unread. */
  public ExchangeDecision(
      RuleAction action,
      String rule,
      String reason,
      MaskPlan masking,
      boolean requireJson,
      Map<String, String> setHeaders,
      Function<HttpRequestStep, SessionStep> step) {
    this(action, rule, reason, masking, requireJson, setHeaders, step, null);
  }

  /** A decision that records the proxy's own step and sets no header. */
  public static ExchangeDecision of(
      RuleAction action, String rule, String reason, MaskPlan masking) {
    return new ExchangeDecision(action, rule, reason, masking, false, Map.of(), s -> s);
  }
}
