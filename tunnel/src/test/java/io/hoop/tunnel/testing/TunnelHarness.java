package io.hoop.tunnel.testing;

import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.Keepalive;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelAuthorizer;
import io.hoop.tunnel.server.TunnelRejectedException;
import io.hoop.tunnel.server.TunnelServer;
import io.hoop.tunnel.tls.Fingerprints;
import io.hoop.tunnel.tls.Tls;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Echo server + TLS test broker with a {@link TunnelServer} + tunnel clients, all real sockets. The
 * authorizer accepts grant token {@code good} for grant {@code g-1} by default; tests swap it with
 * {@link #authorizer}.
 */
public final class TunnelHarness implements AutoCloseable {
  public final TestCerts certs;
  public final EchoServer echo;
  public final RecordingEvents events = new RecordingEvents();
  public final TunnelServer tunnels;
  public final TestBroker broker;
  public volatile TunnelAuthorizer authorizer;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<TunnelClient> clients = new ArrayList<>();
  private final AtomicInteger sessions = new AtomicInteger();

  public TunnelHarness(Path dir, Duration handshakeTimeout, boolean unify) throws Exception {
    this(dir, handshakeTimeout, unify, Keepalive.DEFAULT);
  }

  public TunnelHarness(Path dir, Duration handshakeTimeout, boolean unify, Keepalive keepalive)
      throws Exception {
    this(dir, handshakeTimeout, unify, keepalive, Engines.tcpOnly());
  }

  /** A harness whose tunnel server runs {@code engines}. */
  public TunnelHarness(Path dir, Engines engines) throws Exception {
    this(dir, Duration.ofSeconds(10), true, Keepalive.DEFAULT, engines);
  }

  private TunnelHarness(
      Path dir, Duration handshakeTimeout, boolean unify, Keepalive keepalive, Engines engines)
      throws Exception {
    certs = TestCerts.selfSigned(dir, "localhost");
    echo = new EchoServer();
    authorizer = (handshake, remote) -> grant(handshake, "g-1", Instant.now().plusSeconds(3600));
    tunnels =
        new TunnelServer(
            (handshake, remote) -> authorizer.authorize(handshake, remote),
            events,
            executor,
            Clock.systemUTC(),
            handshakeTimeout,
            keepalive,
            engines);
    broker = new TestBroker(certs, tunnels, unify);
  }

  public TunnelHarness(Path dir) throws Exception {
    this(dir, Duration.ofSeconds(10), true);
  }

  /** Authorizes token {@code good} (or any token starting with {@code good}) for the echo. */
  public TunnelAuthorization grant(Handshake handshake, String grantId, Instant deadline)
      throws TunnelRejectedException {
    if (!handshake.grantToken().startsWith("good")) {
      throw new TunnelRejectedException("grant_invalid", "grant token is not valid");
    }
    return new TunnelAuthorization(
        "s-" + sessions.incrementAndGet(),
        grantId,
        "alice",
        "demo",
        "T-1",
        "tcp",
        echo.address(),
        deadline,
        EngineSettings.none());
  }

  public String fingerprint() {
    return Fingerprints.sha256(certs.certificate());
  }

  public TunnelClient client(String grantToken, RecordingListener listener) throws BindException {
    TunnelClient client =
        TunnelClient.start(
            TunnelClientConfig.of(
                "localhost",
                broker.port(),
                Tls.clientPinned(fingerprint()),
                0,
                () -> new Handshake(grantToken, "session-token"),
                listener));
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  @Override
  public void close() throws java.io.IOException {
    synchronized (clients) {
      clients.forEach(TunnelClient::close);
    }
    broker.close();
    echo.close();
    executor.shutdownNow();
  }
}
