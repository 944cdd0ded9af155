package io.hoop.engine.http;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.config.HttpRole;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.http.policy.RequestPolicy;
import io.hoop.engine.http.policy.RequestTarget;
import io.netty.handler.codec.http.HttpRequest;

/** The http engine's {@link ExchangePolicy}: the role's method and path rules, one mask plan. */
public final class RolePolicy implements ExchangePolicy {
  private final HttpRole role;
  private final boolean ignoreCase;
  private final MaskPlan masking;

  public RolePolicy(HttpRole role, boolean ignoreCase, MaskPlan masking) {
    this.role = requireNonNull(role, "role");
    this.ignoreCase = ignoreCase;
    this.masking = requireNonNull(masking, "masking");
  }

  @Override
  public ExchangeDecision decide(HttpRequest request, RequestTarget target) {
    RequestPolicy.Verdict v =
        RequestPolicy.decide(role, request.method().name(), target.path(), ignoreCase);
    return ExchangeDecision.of(v.action(), v.rule(), "denied by rule " + v.rule(), masking);
  }
}
