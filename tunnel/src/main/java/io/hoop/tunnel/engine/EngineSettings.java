package io.hoop.tunnel.engine;

/**
 * What an engine needs for one tunnel beyond the upstream address (e.g. the postgres role and its
 * guardrails): each engine's settings record implements this, and the engine reads its own type
 * from {@link io.hoop.tunnel.server.TunnelAuthorization#settings()}.
 */
public interface EngineSettings {
  /** No settings: what the {@code tcp} engine runs with. */
  static EngineSettings none() {
    return None.INSTANCE;
  }

  /** The settings of an engine that needs none. */
  enum None implements EngineSettings {
    INSTANCE
  }
}
