package io.hoop.it;

import io.hoop.tunnel.tls.Tls;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * A hand-driven HTTP/1.1 client over one pinned TLS socket, for what {@code java.net.http} will not
 * send: pipelined requests in one write and oversized headers.
 */
final class RawHttp implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final InputStream in;

  /** One parsed response; header names lower-cased. */
  record Response(int status, Map<String, String> headers, String body) {}

  RawHttp(int port, String fingerprint) throws IOException {
    socket = (SSLSocket) Tls.jdkClientPinned(fingerprint).getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
  }

  /** Writes the text in one call, so it normally travels in one TLS record. */
  void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one response framed by Content-Length (or by EOF when the broker closes). */
  Response read() throws IOException {
    String statusLine = line();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("'" + statusLine + "' is not an HTTP/1.x status line");
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(
          h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    byte[] body;
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** True when the broker closed the connection (EOF or reset). */
  boolean closedByBroker() {
    try {
      return in.read() == -1;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c == -1) {
        throw new EOFException("connection closed in the middle of a response head");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
