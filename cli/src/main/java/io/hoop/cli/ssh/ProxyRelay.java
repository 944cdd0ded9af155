package io.hoop.cli.ssh;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The {@code ProxyCommand} of {@code hoop exec}: OpenSSH speaks to this process's stdin and stdout,
 * and it carries the bytes to and from the Unix socket {@code hoop exec} listens on in its private
 * directory, where each connection becomes a tunnel to the broker. So no TCP port is opened.
 *
 * <p>It runs as its own small JVM that loads nothing but the JDK (no picocli, netty or TLS: the
 * tunnel stays in the {@code hoop exec} process), which keeps what it adds to the start of a
 * command to a JVM start. Exit status 0 when both directions ended, 1 when the socket failed.
 */
public final class ProxyRelay {
  private static final int BUFFER = 32 * 1024;

  private ProxyRelay() {}

  /** {@code ProxyRelay SOCKET}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("hoop ssh relay: expected one argument, the tunnel socket");
      System.exit(2);
    }
    Path socket = Path.of(args[0]);
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      Thread up =
          new Thread(
              () -> {
                try {
                  copyIn(new FileInputStream(FileDescriptor.in), channel);
                } catch (IOException e) {
                  // The socket ended first; the downstream copy sees it and ends the relay.
                }
              },
              "hoop-relay-up");
      up.setDaemon(true);
      up.start();
      copyOut(channel, new FileOutputStream(FileDescriptor.out));
    } catch (IOException e) {
      System.err.println("hoop ssh relay: " + socket + ": " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }

  /** ssh's bytes to the tunnel; at ssh's end of input, half-closes so the broker sees EOF. */
  static void copyIn(InputStream in, SocketChannel channel) throws IOException {
    byte[] buffer = new byte[BUFFER];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }
    channel.shutdownOutput();
  }

  /** The tunnel's bytes to ssh, until the tunnel ends. */
  static void copyOut(SocketChannel channel, OutputStream out) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(BUFFER);
    while (channel.read(b) >= 0) {
      b.flip();
      out.write(b.array(), 0, b.limit());
      out.flush();
      b.clear();
    }
  }
}
