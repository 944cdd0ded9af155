package io.hoop.broker.tunnel;

import io.hoop.engine.postgres.engine.PostgresEngine;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.engine.TcpEngine;

/**
 * The one place the broker lists its engines: adding one is a line here and a module dependency.
 */
public final class BrokerEngines {
  private BrokerEngines() {}

  /** The engines the broker's tunnel server runs. */
  public static Engines tunnelEngines() {
    return Engines.of(new TcpEngine(), new PostgresEngine());
  }
}
