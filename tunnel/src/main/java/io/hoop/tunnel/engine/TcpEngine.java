package io.hoop.tunnel.engine;

/** The {@code tcp} engine: bytes relayed as they are, to the authorized upstream. */
public final class TcpEngine implements Engine {
  /** The engine name in {@code TunnelAuthorization.engine()}. */
  public static final String NAME = "tcp";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSession install(EngineContext context) {
    return EngineSession.NONE;
  }
}
