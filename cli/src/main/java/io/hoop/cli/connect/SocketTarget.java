package io.hoop.cli.connect;

import io.hoop.api.TargetConnection;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.sessions.SessionsApi;
import java.io.PrintWriter;

/**
 * What {@code --unix-socket} needs to know about a target before any grant is asked for: its type
 * names the socket file, its engine decides whether a socket is safe at all.
 */
public final class SocketTarget {
  private SocketTarget() {}

  /** The target's type and engine ({@code GET /v1/targets/{name}/connection}). */
  public static TargetConnection lookup(BrokerSession session, String name) {
    try {
      return new SessionsApi(session).connection(name);
    } catch (BrokerException e) {
      if (e.httpStatus() == 404) {
        throw new HoopException.Usage(
            "no target named '" + name + "' (hoop targets lists the targets you may request)");
      }
      throw e;
    }
  }

  /**
   * A raw relay to a PostgreSQL server carries the client's own TLS to it, and libpq never uses TLS
   * over a Unix socket: through a socket that session would reach the database unencrypted past the
   * broker, so only the postgres engine (which logs in itself, over its own TLS) gets one.
   *
   * @param port the {@code --port} option, which only names PostgreSQL sockets
   */
  public static void requireSuits(TargetConnection t, int port, PrintWriter err) {
    if ("ssh".equals(t.engine())) {
      throw new HoopException.Usage(
          "--unix-socket: "
              + t.target()
              + " is an ssh target and OpenSSH connects to TCP ports, not Unix sockets; drop"
              + " --unix-socket (the 127.0.0.1 port admits only this grant's key)");
    }
    boolean postgres = ConnectionHints.isPostgres(t.type());
    if (postgres && !"postgres".equals(t.engine())) {
      throw new HoopException.Usage(
          "--unix-socket: "
              + t.target()
              + " is relayed as raw bytes and libpq does not use TLS over a Unix socket, so the"
              + " database session would lose its own encryption; drop --unix-socket and use the"
              + " 127.0.0.1 port");
    }
    if (port != 0 && !postgres) {
      err.println(
          "hoop: --port "
              + port
              + " only names PostgreSQL sockets; "
              + t.target()
              + " listens on "
              + SocketDirectory.fileName(t.target(), false, port));
      err.flush();
    }
  }
}
