package io.hoop.tunnel.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.server.TunnelAuthorization;
import io.netty.channel.Channel;

/**
 * What an engine is installed on: one accepted tunnel and its authorization.
 *
 * @param client the framed tunnel channel, whose inbound DATA is the client's byte stream
 * @param upstream the connected channel to the engine's {@link Engine#route route}
 * @param relayHandler name of the relay handler in both pipelines; engine handlers go before it
 * @param authorization what the tunnel may do, with its {@link EngineSettings}
 * @param label identifies the tunnel in logs (session and grant ids); no secrets
 */
public record EngineContext(
    Channel client,
    Channel upstream,
    String relayHandler,
    TunnelAuthorization authorization,
    String label) {
  public EngineContext {
    requireNonNull(client, "client");
    requireNonNull(upstream, "upstream");
    requireNonNull(relayHandler, "relayHandler");
    requireNonNull(authorization, "authorization");
    requireNonNull(label, "label");
  }
}
