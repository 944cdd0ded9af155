package io.hoop.broker.tunnel;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.ops.BrokerMetrics;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelEvents;
import io.hoop.tunnel.server.TunnelParty;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Counts tunnel lifecycle in the broker's metrics (live tunnels, handshake latency, bytes, refusal
 * codes), then hands every event to the audit; a metric never stops an event from being audited.
 */
public final class MeteredTunnelEvents implements TunnelEvents {
  private final TunnelEvents audit;
  private final BrokerMetrics metrics;

  /**
   * @param audit where every event goes after it is counted
   * @param metrics where it is counted
   */
  public MeteredTunnelEvents(TunnelEvents audit, BrokerMetrics metrics) {
    this.audit = requireNonNull(audit, "audit");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  @Override
  public void rejected(SocketAddress remote, String code, String message) {
    rejected(remote, code, message, TunnelParty.UNKNOWN);
  }

  @Override
  public void rejected(SocketAddress remote, String code, String message, TunnelParty party) {
    safely(() -> metrics.tunnelRefused(code));
    audit.rejected(remote, code, message, party);
  }

  @Override
  public void opened(TunnelAuthorization authorization, SocketAddress remote) {
    opened(authorization, remote, Duration.ZERO);
  }

  @Override
  public void opened(TunnelAuthorization a, SocketAddress remote, Duration handshake) {
    safely(() -> metrics.tunnelOpened(a.target(), a.engine(), handshake.toNanos()));
    audit.opened(a, remote, handshake);
  }

  @Override
  public void closed(TunnelAuthorization a, long bytesUp, long bytesDown, String reason) {
    safely(() -> metrics.tunnelClosed(a.target(), a.engine(), bytesUp, bytesDown, reason));
    audit.closed(a, bytesUp, bytesDown, reason);
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // A meter that cannot be registered (say, a name clash) must not cost the audit record.
      org.slf4j.LoggerFactory.getLogger(MeteredTunnelEvents.class)
          .warn("cannot count a tunnel event: {}", e.toString());
    }
  }
}
