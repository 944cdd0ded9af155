package io.hoop.engine.http.testing;

import io.hoop.engine.http.HttpEngine;
import io.hoop.engine.http.config.HttpTargetKind;
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
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real tunnel (test broker, tunnel server, tunnel client) with the http engine in front of a
 * target: tests speak plain HTTP to {@link #local()} and the engine speaks HTTPS to the target.
 */
public final class HttpTunnels implements AutoCloseable {
  public static final String GRANT = "g-http";

  public final TunnelHarness harness;
  public final HttpEngine engine;
  public final ConcurrentLinkedQueue<EngineEvent> events = new ConcurrentLinkedQueue<>();
  public volatile Holds holds = Holds.NONE;
  public volatile String role;
  private final TargetSection section;
  private final InetSocketAddress upstream;
  private final AtomicInteger sessions = new AtomicInteger();

  /**
   * @param raw the {@code http:} section as YAML values
   */
  public HttpTunnels(Path dir, InetSocketAddress upstream, String serverHost, Object raw)
      throws Exception {
    this.engine = new HttpEngine();
    this.upstream = upstream;
    HttpTargetKind kind = engine.targetKind();
    this.section =
        kind.parse(
            new TargetPlace("targets[0]", "orders-api", serverHost, upstream.getPort(), null), raw);
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
                  "orders-api",
                  "T-1",
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
              "orders-api",
              "T-1",
              HttpEngine.NAME,
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

  public InetSocketAddress upstream() {
    return upstream;
  }

  /** A section for a target with one role {@code ops} and the given extra keys. */
  public static Map<String, Object> section(
      Path caFile, Path tokenFile, List<Map<String, Object>> rules, Map<String, Object> extra) {
    Map<String, Object> role = new java.util.LinkedHashMap<>();
    role.put("tokenFile", tokenFile.toString());
    role.put("rules", rules);
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("caFile", caFile.toString());
    s.put("serverName", "localhost");
    s.put("roles", Map.of("ops", role));
    s.putAll(extra);
    return s;
  }

  public static Map<String, Object> rule(String path, String action, String... methods) {
    return Map.of("methods", List.of(methods), "path", path, "action", action);
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
