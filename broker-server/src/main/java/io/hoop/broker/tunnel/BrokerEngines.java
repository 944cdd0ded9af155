package io.hoop.broker.tunnel;

import io.hoop.engine.postgres.engine.PostgresEngine;
import io.hoop.engine.ssh.bridge.SshBridge;
import io.hoop.engine.ssh.engine.SshEngine;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.engine.TcpEngine;

/**
 * The one place the broker lists its engines: adding one is a line here and a module dependency.
 */
public final class BrokerEngines {
  private BrokerEngines() {}

  /** The engines the broker's tunnel server runs; ssh tunnels go through {@code sshBridge}. */
  public static Engines tunnelEngines(SshBridge sshBridge) {
    return Engines.of(new TcpEngine(), new PostgresEngine(), new SshEngine(sshBridge));
  }
}
