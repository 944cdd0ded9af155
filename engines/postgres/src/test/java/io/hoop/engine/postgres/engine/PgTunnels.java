package io.hoop.engine.postgres.engine;

import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.engine.EngineEvent;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.engine.TcpEngine;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Test broker + tunnel client in front of a {@link LocalPostgres}, and psql through it. */
final class PgTunnels {
  static final String GRANT = "g-pg";
  static final String TASK = "T-1";

  private PgTunnels() {}

  /** Collects the session's query events. */
  static final class Events implements EngineListener {
    final Queue<QueryEvent> events = new ConcurrentLinkedQueue<>();

    @Override
    public void onEvent(EngineEvent event) {
      events.add((QueryEvent) event);
    }

    List<QueryEvent> list() {
      return new ArrayList<>(events);
    }
  }

  static TunnelHarness harness(
      Path dir, PostgresSettings settings, InetSocketAddress upstream, Instant deadline)
      throws Exception {
    TunnelHarness harness =
        new TunnelHarness(dir, Engines.of(new TcpEngine(), new PostgresEngine()));
    harness.authorizer =
        (handshake, remote) ->
            new TunnelAuthorization(
                "s-" + System.nanoTime(),
                GRANT,
                "alice",
                "orders-db",
                TASK,
                PostgresEngine.NAME,
                upstream,
                deadline,
                settings);
    return harness;
  }

  static InetSocketAddress client(TunnelHarness harness) throws Exception {
    TunnelClient client = harness.client("good", new RecordingListener());
    return client.localAddress();
  }

  static List<String> psqlCommand(
      LocalPostgres pg, InetSocketAddress local, String database, String... args) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            pg.psql().toString(),
            "-X",
            "-w",
            "-qAt",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(local.getPort()),
            "-U",
            "anything",
            "-d",
            database));
    command.addAll(List.of(args));
    return command;
  }

  static Processes.Result psql(
      LocalPostgres pg, Path dir, InetSocketAddress local, String... args) {
    return Processes.run(
        psqlCommand(pg, local, "postgres", args), dir, "", Duration.ofSeconds(120));
  }
}
