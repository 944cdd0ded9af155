package io.hoop.tunnel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Blocking socket helpers for tests. */
public final class Sockets {
  private Sockets() {}

  public static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, 2000);
    socket.setSoTimeout(5000);
    return socket;
  }

  public static byte[] readExactly(InputStream in, int n) throws IOException {
    return in.readNBytes(n);
  }

  /** Reads until EOF. */
  public static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
