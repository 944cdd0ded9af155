package io.hoop.broker.engines;

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

/**
 * The one place the broker lists its engines: the target kinds its config accepts (each parses its
 * own section) and the engines its tunnel server runs. Adding an engine is a line in each and a
 * module dependency.
 */
public final class BrokerEngines {
  private BrokerEngines() {}

  /** The target types of the broker's config and their section parsers. */
  public static TargetKinds targetKinds() {
    return TargetKinds.of(new TcpTargetKind(), new PostgresTargetKind(), new SshTargetKind());
  }

  /**
   * The engines the broker's tunnel server runs.
   *
   * @param maskKey the HMAC key of the postgres {@code token} masking style
   * @param sshBridge the bridge ssh tunnels go through
   * @param sshHostKeys the host keys the bridge presents per target
   * @param casts where ssh terminal output is recorded
   */
  public static Engines tunnelEngines(
      byte[] maskKey, SshBridge sshBridge, SshHostKeys sshHostKeys, CastRecordings casts) {
    return Engines.of(
        new TcpEngine(), new PostgresEngine(maskKey), new SshEngine(sshBridge, sshHostKeys, casts));
  }
}
