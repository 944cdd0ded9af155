package io.hoop.tunnel.server;

import io.hoop.tunnel.engine.EngineSettings;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * What an accepted handshake may do: which upstream to dial, with which engine settings, and until
 * when.
 *
 * @param sessionId id of this tunnel session, unique per connection
 * @param grantId grant the tunnel runs under
 * @param principal who opened it
 * @param target target name
 * @param task task id of the grant
 * @param engine name of the engine registered in the tunnel server's {@code Engines}; {@code tcp}
 *     relays bytes
 * @param upstream where to connect
 * @param deadline the tunnel is closed at this instant, however long ago it was opened
 * @param settings what the engine needs beyond the upstream address, e.g. postgres credentials;
 *     each engine reads its own settings type
 */
public record TunnelAuthorization(
    String sessionId,
    String grantId,
    String principal,
    String target,
    String task,
    String engine,
    InetSocketAddress upstream,
    Instant deadline,
    EngineSettings settings) {}
