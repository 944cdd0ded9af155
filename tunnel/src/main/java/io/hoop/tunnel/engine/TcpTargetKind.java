package io.hoop.tunnel.engine;

/** Targets of type {@code tcp}: relayed byte for byte, without a section or roles. */
public final class TcpTargetKind implements TargetKind {
  /** The type. */
  public static final String TYPE = "tcp";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public TargetSection parse(TargetPlace place, Object raw) throws SectionException {
    if (raw != null) {
      throw new SectionException(place.key() + ".tcp: tcp targets have no section");
    }
    if (place.engine() != null && !place.engine().equals(TcpEngine.NAME)) {
      throw new SectionException(
          place.key()
              + ".engine: the "
              + place.engine()
              + " engine needs a target of type "
              + place.engine()
              + "; a tcp target is relayed byte for byte (engine: tcp)");
    }
    return TargetSection.relay(TcpEngine.NAME);
  }
}
