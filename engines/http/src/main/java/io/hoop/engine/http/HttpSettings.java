package io.hoop.engine.http;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.config.HttpRole;
import io.hoop.engine.http.config.HttpTarget;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.tunnel.engine.Admission;
import io.hoop.tunnel.engine.EngineSettings;
import io.netty.handler.ssl.SslContext;

/**
 * What one tunnel of an http target runs with: the target, the grant's role (its credential and
 * rules), the TLS context toward the target (null for plain http), the masking, the admission
 * (where events and holds go), and the policy each request goes through (the role's rules for an
 * http target; an engine built on the proxy gives its own).
 */
public record HttpSettings(
    HttpTarget target,
    HttpRole role,
    SslContext tls,
    MaskPlan masking,
    Admission admission,
    ExchangePolicy policy)
    implements EngineSettings {
  public HttpSettings {
    requireNonNull(target, "target");
    requireNonNull(role, "role");
    requireNonNull(masking, "masking");
    requireNonNull(admission, "admission");
    requireNonNull(policy, "policy");
    if (target.tls() && tls == null) {
      throw new IllegalArgumentException("an https target needs a TLS context");
    }
  }

  /** Settings whose requests go through the role's rules and {@code masking}. */
  public HttpSettings(
      HttpTarget target, HttpRole role, SslContext tls, MaskPlan masking, Admission admission) {
    this(target, role, tls, masking, admission, new RolePolicy(role, target.ignoreCase(), masking));
  }

  @Override
  public String toString() {
    return "HttpSettings[target=" + admission.target() + ", role=" + role.name() + "]";
  }
}
