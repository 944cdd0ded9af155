package io.hoop.tunnel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking TCP echo server: echoes everything, and after the client's EOF writes {@link #TRAILER}
 * and closes, so half-close can be observed end to end.
 */
public final class EchoServer implements AutoCloseable {
  public static final byte[] TRAILER = "bye\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final AtomicInteger eofsSeen = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();

  public EchoServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  public int eofsSeen() {
    return eofsSeen.get();
  }

  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        Thread worker = new Thread(() -> echo(socket), "echo-conn");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
      eofsSeen.incrementAndGet();
      out.write(TRAILER);
      out.flush();
    } catch (IOException e) {
      // The peer went away: nothing to echo to.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
