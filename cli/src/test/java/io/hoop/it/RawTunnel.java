package io.hoop.it;

import io.hoop.api.Json;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.hoop.tunnel.tls.Tls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLSocket;

/** A hand-driven tunnel client for hostile-input tests: writes whatever bytes a test wants. */
final class RawTunnel implements AutoCloseable {
  final SSLSocket socket;
  final DataOutputStream out;
  final DataInputStream in;

  RawTunnel(int port, String fingerprint) throws IOException {
    socket = (SSLSocket) Tls.jdkClientPinned(fingerprint).getSocketFactory().createSocket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  void magic() throws IOException {
    out.write(TunnelProtocol.MAGIC);
  }

  void frame(byte[] json) throws IOException {
    out.writeInt(json.length);
    out.write(json);
    out.flush();
  }

  HandshakeReply reply() throws IOException {
    int len = in.readInt();
    byte[] b = new byte[len];
    in.readFully(b);
    return Json.mapper().readValue(b, HandshakeReply.class);
  }

  /** True when the broker closed the connection (EOF or reset) after its reply. */
  boolean closedByBroker() {
    try {
      return in.read() == -1;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
