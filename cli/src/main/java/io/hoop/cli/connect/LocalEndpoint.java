package io.hoop.cli.connect;

import java.nio.file.Path;

/**
 * Where a tunnel listens on this machine: {@value ConnectionHints#HOST}:port, or a Unix socket file
 * whose directory and port are what libpq calls host and port.
 *
 * @param port the TCP port; for a Unix socket the port in libpq's socket name {@code
 *     .s.PGSQL.<port>}, 0 when the socket is not named after a port (non-postgres targets)
 * @param socket the Unix socket file, null for TCP
 */
public record LocalEndpoint(int port, Path socket) {
  /** 127.0.0.1:{@code port}. */
  public static LocalEndpoint tcp(int port) {
    return new LocalEndpoint(port, null);
  }

  /** The Unix socket file {@code socket}; {@code port} as in {@link LocalEndpoint}. */
  public static LocalEndpoint unixSocket(Path socket, int port) {
    return new LocalEndpoint(port, java.util.Objects.requireNonNull(socket, "socket"));
  }

  public boolean isUnixSocket() {
    return socket != null;
  }

  /** libpq's host: the loopback address, or the directory holding the socket. */
  public String host() {
    return isUnixSocket() ? socket.getParent().toString() : ConnectionHints.HOST;
  }

  /** What the user connects to, for "Connect to ...". */
  public String display() {
    return isUnixSocket() ? socket.toString() : ConnectionHints.HOST + ":" + port;
  }
}
