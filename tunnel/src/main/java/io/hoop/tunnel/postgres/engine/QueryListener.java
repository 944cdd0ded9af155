package io.hoop.tunnel.postgres.engine;

/**
 * Receives every statement of one postgres session, on the tunnel's event loop: implementations
 * must not block (queue and write elsewhere).
 */
@FunctionalInterface
public interface QueryListener {
  /** A listener that drops every event. */
  QueryListener NONE = event -> {};

  /** Called once per statement, when its outcome is known. */
  void onQuery(QueryEvent event);
}
