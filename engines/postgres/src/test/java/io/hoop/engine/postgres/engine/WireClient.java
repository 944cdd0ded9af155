package io.hoop.engine.postgres.engine;

import io.hoop.engine.postgres.message.PostgresMessage;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.BackendMessages;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** A blocking PostgreSQL client that speaks exact messages, for protocol paths psql 15 lacks. */
final class WireClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  WireClient(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(20_000);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536));
    out = socket.getOutputStream();
  }

  void send(PostgresMessage... messages) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      for (PostgresMessage message : messages) {
        message.encode(buf);
      }
      buf.readBytes(out, buf.readableBytes());
      out.flush();
    } finally {
      buf.release();
    }
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  int readByte() throws IOException {
    return in.read();
  }

  BackendMessage read() throws IOException {
    byte type = in.readByte();
    byte[] body = new byte[in.readInt() - 4];
    in.readFully(body);
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    try {
      return BackendMessages.decode(type, buf);
    } finally {
      buf.release();
    }
  }

  /** Everything up to and including the next ReadyForQuery. */
  List<BackendMessage> untilReady() throws IOException {
    List<BackendMessage> messages = new ArrayList<>();
    BackendMessage message;
    do {
      message = read();
      messages.add(message);
    } while (!(message instanceof ReadyForQuery));
    return messages;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
