package io.hoop.engine.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends bytes exactly as given (no client normalising paths or headers) and reads the answer. */
public final class RawHttp {
  private RawHttp() {}

  /** Writes {@code request}, reads until the peer closes or 5 s of silence; ISO-8859-1 text. */
  public static String exchange(InetSocketAddress address, String request) throws IOException {
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // what arrived is the answer
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The status code of the first response in {@code text}, or -1. */
  public static int status(String text) {
    if (!text.startsWith("HTTP/1.1 ")) {
      return -1;
    }
    return Integer.parseInt(text.substring(9, 12));
  }
}
