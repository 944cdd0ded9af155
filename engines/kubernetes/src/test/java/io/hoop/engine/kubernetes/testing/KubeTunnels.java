package io.hoop.engine.kubernetes.testing;

import io.hoop.engine.kubernetes.engine.KubernetesEngine;
import io.hoop.engine.ssh.engine.CastRecordings;
import io.hoop.tunnel.engine.Admission;
import io.hoop.tunnel.engine.EngineEvent;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.engine.TargetKind.TargetPlace;
import io.hoop.tunnel.engine.TargetSection;
import io.hoop.tunnel.engine.TcpEngine;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real tunnel (test broker side, tunnel server, tunnel client) with the kubernetes engine in
 * front of an API server: kubectl speaks plain HTTP to {@link #local()}, the engine HTTPS with the
 * role's credential to the API server.
 */
public final class KubeTunnels implements AutoCloseable {
  public static final String GRANT = "g-k8s";

  public final TunnelHarness harness;
  public final KubernetesEngine engine;

  /** Where exec sessions are recorded ({@code <sessionId>.cast}). */
  public final CastRecordings casts;

  public final ConcurrentLinkedQueue<EngineEvent> events = new ConcurrentLinkedQueue<>();
  public volatile Holds holds = Holds.NONE;
  public volatile String role;
  private final TargetSection section;
  private final AtomicInteger sessions = new AtomicInteger();

  /**
   * @param raw the {@code kubernetes:} section as YAML values
   */
  public KubeTunnels(Path dir, InetSocketAddress apiServer, Object raw) throws Exception {
    this.casts = new CastRecordings(dir.resolve("recordings"));
    this.engine = new KubernetesEngine(casts);
    this.section =
        engine
            .targetKind()
            .parse(
                new TargetPlace("targets[0]", "k8s-prod", "localhost", apiServer.getPort(), null),
                raw);
    InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", apiServer.getPort());
    this.harness = new TunnelHarness(dir, Engines.of(new TcpEngine(), engine));
    harness.authorizer =
        (handshake, remote) -> {
          String session = "s-" + sessions.incrementAndGet();
          Instant deadline = Instant.now().plusSeconds(3600);
          Admission admission =
              new Admission(
                  session,
                  GRANT,
                  "alice",
                  "k8s-prod",
                  "OPS-9",
                  role,
                  upstream,
                  deadline,
                  new Handshake(handshake.grantToken(), "session-token", null),
                  events::add,
                  request -> holds.hold(request));
          EngineSettings settings = engine.admit(section, admission);
          return new TunnelAuthorization(
              session,
              GRANT,
              "alice",
              "k8s-prod",
              "OPS-9",
              KubernetesEngine.NAME,
              upstream,
              deadline,
              settings);
        };
  }

  /** A new tunnel client's local address (one tunnel per local connection). */
  public InetSocketAddress local() throws Exception {
    return harness.client("good", new RecordingListener()).localAddress();
  }

  public <T extends EngineEvent> List<T> events(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (EngineEvent e : events) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      harness.close();
    } finally {
      engine.close();
    }
  }
}
