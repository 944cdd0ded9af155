package io.hoop.tunnel.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.server.TunnelAuthorization;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;

/**
 * A tunnel whose route could not be reached, offered to its engine before the handshake is refused.
 *
 * @param authorization the accepted tunnel's authorization
 * @param route where the broker dialed
 * @param reason why it failed, e.g. {@code connection refused}; no secrets
 * @param pipeline the framed tunnel pipeline, whose inbound DATA is the client's byte stream
 * @param handlerName the tunnel handler to replace with the engine's answer
 * @param accept sends the client the accepted handshake reply; run it before answering
 */
public record UnreachableUpstream(
    TunnelAuthorization authorization,
    InetSocketAddress route,
    String reason,
    ChannelPipeline pipeline,
    String handlerName,
    Runnable accept) {
  public UnreachableUpstream {
    requireNonNull(authorization, "authorization");
    requireNonNull(route, "route");
    requireNonNull(reason, "reason");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(handlerName, "handlerName");
    requireNonNull(accept, "accept");
  }
}
