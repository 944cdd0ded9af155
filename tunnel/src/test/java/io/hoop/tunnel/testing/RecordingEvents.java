package io.hoop.tunnel.testing;

import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelEvents;
import io.hoop.tunnel.server.TunnelParty;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records audit callbacks, in order, for assertions. */
public final class RecordingEvents implements TunnelEvents {
  /** One recorded callback. */
  public record Event(String type, String sessionId, String code, long bytesUp, long bytesDown) {}

  public final List<Event> events = new CopyOnWriteArrayList<>();

  /** The party of each refusal, in order. */
  public final List<TunnelParty> rejectedParties = new CopyOnWriteArrayList<>();

  @Override
  public void rejected(SocketAddress remote, String code, String message) {
    rejected(remote, code, message, TunnelParty.UNKNOWN);
  }

  @Override
  public void rejected(SocketAddress remote, String code, String message, TunnelParty party) {
    rejectedParties.add(party);
    events.add(new Event("rejected", null, code, 0, 0));
  }

  /** The handshake latency of each opened tunnel, in order. */
  public final List<Duration> handshakes = new CopyOnWriteArrayList<>();

  @Override
  public void opened(TunnelAuthorization authorization, SocketAddress remote, Duration handshake) {
    handshakes.add(handshake);
    opened(authorization, remote);
  }

  /** When set, {@link #opened} waits for it before recording (a slow audit store). */
  public volatile java.util.concurrent.CountDownLatch openGate;

  @Override
  public void opened(TunnelAuthorization authorization, SocketAddress remote) {
    java.util.concurrent.CountDownLatch gate = openGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    events.add(new Event("opened", authorization.sessionId(), null, 0, 0));
  }

  @Override
  public void closed(
      TunnelAuthorization authorization, long bytesUp, long bytesDown, String reason) {
    events.add(new Event("closed", authorization.sessionId(), reason, bytesUp, bytesDown));
  }

  public List<Event> ofType(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }
}
