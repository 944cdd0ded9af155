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
 * rules), the TLS context toward the target (null for plain http), the masking, and the admission
 * (where events and holds go).
 */
public record HttpSettings(
    HttpTarget target, HttpRole role, SslContext tls, MaskPlan masking, Admission admission)
    implements EngineSettings {
  public HttpSettings {
    requireNonNull(target, "target");
    requireNonNull(role, "role");
    requireNonNull(masking, "masking");
    requireNonNull(admission, "admission");
    if (target.tls() && tls == null) {
      throw new IllegalArgumentException("an https target needs a TLS context");
    }
  }

  @Override
  public String toString() {
    return "HttpSettings[target=" + admission.target() + ", role=" + role.name() + "]";
  }
}
