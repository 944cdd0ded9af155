package io.hoop.engine.postgres.engine;

import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.engine.UnreachableUpstream;
import io.hoop.tunnel.protocol.CloseNotice;
import java.net.InetSocketAddress;

/**
 * The {@code postgres} engine: each tunnel gets a {@link PostgresSession} in front of the relay,
 * running as the broker-held role of its {@link PostgresSettings}. An unreachable server is
 * reported in the protocol (psql cannot show a refused handshake): the handshake is accepted and
 * the client's startup answered with a FATAL naming the server and the reason.
 */
public final class PostgresEngine implements Engine {
  /** The engine name in {@code TunnelAuthorization.engine()}. */
  public static final String NAME = "postgres";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSession install(EngineContext context) {
    return PostgresSession.install(context);
  }

  @Override
  public boolean answerUnreachable(UnreachableUpstream unreachable) {
    InetSocketAddress upstream = unreachable.authorization().upstream();
    String where = upstream.getHostString() + ":" + upstream.getPort();
    unreachable.accept().run();
    UpstreamUnreachable.install(
        unreachable.pipeline(),
        unreachable.handlerName(),
        "hoop: cannot reach upstream " + where + " (" + unreachable.reason() + ")",
        new CloseNotice(
            "upstream_unreachable",
            "cannot connect to target " + unreachable.authorization().target() + " at " + where));
    return true;
  }
}
