package io.hoop.engine.kubernetes.config;

import io.hoop.tunnel.engine.TargetKind;
import io.hoop.tunnel.engine.TargetSection;

/** Targets of type {@code kubernetes}: their {@code kubernetes} section (CA, roles, rules). */
public final class KubernetesTargetKind implements TargetKind {
  /** The type and section name. */
  public static final String TYPE = "kubernetes";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public TargetSection parse(TargetPlace place, Object raw) throws SectionException {
    if (place.engine() != null && !place.engine().equals(KubernetesSection.ENGINE)) {
      throw new SectionException(
          place.key()
              + ".engine: '"
              + place.engine()
              + "' cannot serve a kubernetes target (a raw relay would hand out no credential"
              + " and check no rule); expected kubernetes");
    }
    return KubernetesSectionParser.parse(place.key(), raw);
  }
}
