package io.hoop.tunnel.engine;

import io.hoop.api.TargetConnection;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelRejectedException;
import java.net.InetSocketAddress;

/**
 * A protocol engine: what the broker does with the bytes of an accepted tunnel. One instance serves
 * every tunnel that names it ({@link TunnelAuthorization#engine()}); per-tunnel state lives in the
 * {@link EngineSession} it installs. Engines are registered by name in {@link Engines}.
 *
 * <p>One method per concern, each with the safe default where there is one: bytes go to the
 * authorized upstream, an unreachable upstream refuses the handshake, and an engine that has
 * nothing to say about expiry or goodbye says nothing.
 */
public interface Engine {
  /** The name tunnels ask for, e.g. {@code tcp} or {@code postgres}. */
  String name();

  /**
   * The settings of one tunnel the broker admitted to a target whose section names this engine: the
   * role's credential, its rules, where events go. Called off the event loop, once per tunnel. None
   * by default (a byte relay).
   *
   * @param section the target's section, of the type this engine's {@link TargetKind} parsed
   * @throws TunnelRejectedException when the grant cannot be served (e.g. its role is gone); the
   *     code and message reach the client and the audit
   */
  default EngineSettings admit(TargetSection section, Admission admission)
      throws TunnelRejectedException {
    return EngineSettings.none();
  }

  /**
   * What a client needs, beyond the tunnel's port, to point its tools at a target of this engine
   * (the database to name, the host key to pin): {@code base} with this engine's fields filled in.
   * Unchanged by default.
   */
  default TargetConnection describe(TargetConnection base, TargetSection section) {
    return base;
  }

  /**
   * Where the tunnel server dials the tunnel's bytes to: the authorized upstream by default. An
   * engine that terminates the protocol itself (e.g. ssh) returns its own in-process loopback
   * endpoint, which then dials {@link TunnelAuthorization#upstream()} itself; it finds the tunnel
   * of an incoming connection by the connection's remote address, which is {@code
   * context.upstream().localAddress()} in {@link #install}. Called on the tunnel's event loop.
   */
  default InetSocketAddress route(TunnelAuthorization authorization) {
    return authorization.upstream();
  }

  /**
   * Installs the engine on an accepted tunnel whose route is connected, after the relay handlers
   * (named {@link EngineContext#relayHandler()}) are in both pipelines and before the relay starts
   * reading. On the tunnel's event loop.
   *
   * @return the session that hears about the tunnel's expiry warning and goodbye
   */
  EngineSession install(EngineContext context);

  /**
   * The route could not be reached. By default (false) the handshake is refused with {@code
   * upstream_unreachable}, which hoop shows. An engine whose clients cannot show a refused
   * handshake (psql) instead runs {@link UnreachableUpstream#accept()}, installs its own answer in
   * place of {@link UnreachableUpstream#handlerName()}, and returns true; the refusal is audited
   * either way. On the tunnel's event loop.
   */
  default boolean answerUnreachable(UnreachableUpstream unreachable) {
    return false;
  }
}
