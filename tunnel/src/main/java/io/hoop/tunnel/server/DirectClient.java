package io.hoop.tunnel.server;

import io.hoop.tunnel.engine.EngineSession;

/**
 * A client that authenticated to the broker outside the tunnel protocol (e.g. a PostgreSQL client
 * with a grant-bound password on the broker's own port), told how {@link TunnelServer#startDirect}
 * went. Both methods run on the client's event loop, exactly one of them once.
 */
public interface DirectClient {
  /**
   * The engine is installed in front of the relay (the relay handler is named {@code hoop-relay})
   * and the session is about to start: the client may hand the engine what it already read (the
   * startup it authenticated with). Called before the relay reads.
   */
  void installed(EngineSession session);

  /**
   * The session was refused (grant expired, upstream unreachable, engine unknown); the refusal is
   * already audited. The client answers in its own protocol and closes.
   */
  void refused(String code, String message);
}
