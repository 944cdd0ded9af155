package io.hoop.engine.ssh.config;

import io.hoop.tunnel.engine.TargetKind;
import io.hoop.tunnel.engine.TargetSection;

/** Targets of type {@code ssh}: their {@code ssh} section (pinned host keys, roles, policy). */
public final class SshTargetKind implements TargetKind {
  /** The type and section name. */
  public static final String TYPE = "ssh";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public TargetSection parse(TargetPlace place, Object raw) throws SectionException {
    if (place.engine() != null && !place.engine().equals(SshTarget.ENGINE)) {
      throw new SectionException(
          place.key()
              + ".engine: '"
              + place.engine()
              + "' cannot serve an ssh target; expected ssh");
    }
    try {
      return SshTargetSection.parse(place.key(), place.host(), place.port(), raw);
    } catch (SshConfigException e) {
      throw new SectionException(e.getMessage());
    }
  }
}
