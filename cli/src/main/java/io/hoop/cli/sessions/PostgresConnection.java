package io.hoop.cli.sessions;

import io.hoop.api.Grant;
import io.hoop.api.TargetConnection;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;

/** Asks the broker whether a grant's target runs the postgres engine, and with which database. */
public final class PostgresConnection {
  private PostgresConnection() {}

  /**
   * The database to point clients at when the broker runs the postgres engine for the grant's
   * target; null for raw relays and other types, or when the broker cannot say (older brokers), in
   * which case the plain host and port hints apply.
   */
  public static String database(BrokerSession session, Grant grant) {
    if (!"postgres".equalsIgnoreCase(grant.targetType())) {
      return null;
    }
    TargetConnection c;
    try {
      c = new SessionsApi(session).connection(grant.target());
    } catch (HoopException.NotLoggedIn e) {
      throw e;
    } catch (RuntimeException e) {
      // Hints only: a broker without this endpoint still relays the tunnel.
      return null;
    }
    return "postgres".equals(c.engine()) ? c.database() : null;
  }
}
