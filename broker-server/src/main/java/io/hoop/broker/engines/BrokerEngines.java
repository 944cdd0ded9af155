package io.hoop.broker.engines;

import io.hoop.engine.http.HttpEngine;
import io.hoop.engine.http.config.HttpTargetKind;
import io.hoop.engine.kubernetes.config.KubernetesTargetKind;
import io.hoop.engine.kubernetes.engine.KubernetesEngine;
import io.hoop.engine.postgres.config.PostgresTargetKind;
import io.hoop.engine.postgres.engine.PostgresEngine;
import io.hoop.engine.ssh.bridge.SshBridge;
import io.hoop.engine.ssh.config.SshTargetKind;
import io.hoop.engine.ssh.engine.CastRecordings;
import io.hoop.engine.ssh.engine.SshEngine;
import io.hoop.engine.ssh.engine.SshHostKeys;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.engine.TargetKinds;
import io.hoop.tunnel.engine.TcpEngine;
import io.hoop.tunnel.engine.TcpTargetKind;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one place the broker lists its engines: the target kinds its config accepts (each parses its
 * own section) and the engines its tunnel server runs, with the services they own (the ssh bridge,
 * the http and kubernetes proxies), started together and closed together. Adding an engine is a
 * line in {@link #targetKinds()}, a line in {@link #start}, and a module dependency.
 */
public final class BrokerEngines implements AutoCloseable {
  private final SshBridge sshBridge;
  private final HttpEngine http;
  private final KubernetesEngine kubernetes;
  private final CastRecordings casts;
  private final Engines engines;

  private BrokerEngines(
      SshBridge sshBridge,
      HttpEngine http,
      KubernetesEngine kubernetes,
      CastRecordings casts,
      Engines engines) {
    this.sshBridge = sshBridge;
    this.http = http;
    this.kubernetes = kubernetes;
    this.casts = casts;
    this.engines = engines;
  }

  /** The target types of the broker's config and their section parsers. */
  public static TargetKinds targetKinds() {
    return TargetKinds.of(
        new TcpTargetKind(),
        new PostgresTargetKind(),
        new SshTargetKind(),
        new HttpTargetKind(),
        new KubernetesTargetKind());
  }

  /**
   * Starts the engines the broker's tunnel server runs.
   *
   * @param dataDir the broker's data directory (ssh host keys, recordings)
   * @param maskKey the HMAC key of the postgres {@code token} masking style
   */
  public static BrokerEngines start(Path dataDir, byte[] maskKey) throws IOException {
    SshHostKeys hostKeys = new SshHostKeys(dataDir.resolve("ssh-host-keys"));
    CastRecordings casts = new CastRecordings(dataDir.resolve("recordings"));
    SshBridge bridge = SshBridge.start(hostKeys);
    HttpEngine http;
    KubernetesEngine kubernetes;
    try {
      http = new HttpEngine();
    } catch (RuntimeException e) {
      bridge.close();
      throw e;
    }
    try {
      kubernetes = new KubernetesEngine(casts);
    } catch (RuntimeException e) {
      bridge.close();
      http.close();
      throw e;
    }
    Engines engines =
        Engines.of(
            new TcpEngine(),
            new PostgresEngine(maskKey),
            new SshEngine(bridge, hostKeys, casts),
            http,
            kubernetes);
    return new BrokerEngines(bridge, http, kubernetes, casts, engines);
  }

  /** The engines, by name, for the tunnel server. */
  public Engines engines() {
    return engines;
  }

  /** Where ssh terminal sessions are recorded. */
  public CastRecordings casts() {
    return casts;
  }

  @Override
  public void close() {
    try {
      sshBridge.close();
    } finally {
      try {
        http.close();
      } finally {
        kubernetes.close();
      }
    }
  }
}
