package io.hoop.tunnel.engine;

/**
 * Receives every event the engine of one tunnel session records, on the tunnel's event loop:
 * implementations must not block (queue and write elsewhere).
 */
@FunctionalInterface
public interface EngineListener {
  /** A listener that drops every event; engines may skip work for it. */
  EngineListener NONE = event -> {};

  /** Called once per event, when it is complete (e.g. a statement when its outcome is known). */
  void onEvent(EngineEvent event);
}
