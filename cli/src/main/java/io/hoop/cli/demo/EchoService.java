package io.hoop.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A TCP echo server on 127.0.0.1, the demo's target when PostgreSQL is not installed. */
final class EchoService implements AutoCloseable {
  private final ServerSocket server;

  EchoService() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "hoop-demo-echo");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread t = new Thread(() -> echo(socket), "hoop-demo-echo-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // The client went away: nothing to echo.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
