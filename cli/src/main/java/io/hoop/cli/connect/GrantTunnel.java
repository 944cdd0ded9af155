package io.hoop.cli.connect;

import io.hoop.api.ApiError;
import io.hoop.api.Grant;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.Handshake;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The local listener of one approved grant. Per-connection problems are reported on stderr; a
 * broker notice that the grant ended completes {@link #ended()}.
 */
public final class GrantTunnel implements AutoCloseable {
  private static final Set<String> GRANT_ENDED = Set.of("grant_expired", "grant_revoked");

  private final TunnelClient client;
  private final CompletableFuture<CloseNotice> ended = new CompletableFuture<>();

  private GrantTunnel(BrokerSession session, Grant grant, int localPort, PrintWriter err) {
    URI broker = URI.create(session.profile().brokerUrl());
    int brokerPort = broker.getPort() == -1 ? 443 : broker.getPort();
    String grantToken = grant.token();
    String sessionToken = session.credentials().sessionToken();
    TunnelClient.Listener listener =
        new TunnelClient.Listener() {
          @Override
          public void refused(ApiError error) {
            String code = error == null ? null : error.code();
            String message = error == null ? "no reason given" : error.message();
            if (code != null && GRANT_ENDED.contains(code)) {
              ended.complete(new CloseNotice(code, message));
            } else {
              err.println("hoop: broker refused a connection: " + message);
              err.flush();
            }
          }

          @Override
          public void closed(CloseNotice notice, long bytesUp, long bytesDown) {
            if (notice != null && GRANT_ENDED.contains(notice.code())) {
              ended.complete(notice);
            } else if (notice != null && !"upstream_closed".equals(notice.code())) {
              err.println("hoop: connection closed by broker: " + notice.message());
              err.flush();
            }
          }

          @Override
          public void failed(String message, Throwable cause) {
            err.println("hoop: " + message);
            err.flush();
          }
        };
    try {
      this.client =
          TunnelClient.start(
              TunnelClientConfig.of(
                  broker.getHost(),
                  brokerPort,
                  session.tls().nettyContext(),
                  localPort,
                  () -> new Handshake(grantToken, sessionToken),
                  listener));
    } catch (BindException e) {
      throw new HoopException.Usage(e.getMessage());
    }
  }

  /** Starts listening on 127.0.0.1:{@code localPort} (0 for a free port). */
  public static GrantTunnel open(
      BrokerSession session, Grant grant, int localPort, PrintWriter err) {
    if (grant.token() == null) {
      throw new HoopException(
          "broker approved grant " + grant.id() + " but sent no grant token; cannot open a tunnel");
    }
    return new GrantTunnel(session, grant, localPort, err);
  }

  public int localPort() {
    return client.localAddress().getPort();
  }

  /** Completes when the broker says the grant expired or was revoked. */
  public CompletableFuture<CloseNotice> ended() {
    return ended;
  }

  @Override
  public void close() {
    client.close();
  }
}
