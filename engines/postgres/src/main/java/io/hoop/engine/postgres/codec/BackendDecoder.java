package io.hoop.engine.postgres.codec;

import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.backend.BackendMessages;
import io.hoop.engine.postgres.message.backend.EncryptionResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes what a PostgreSQL server sends: optionally the unframed one-byte answer to an SSLRequest,
 * then typed messages. Bad input is reported once as a {@link DecodeFailure}, after which all input
 * is discarded.
 */
public final class BackendDecoder extends ByteToMessageDecoder {
  /** The default and largest message size, 1 GiB, as in PostgreSQL. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = MessageFraming.HARD_MAX_MESSAGE_BYTES;

  private enum State {
    ENCRYPTION_RESPONSE,
    MESSAGES,
    FAILED
  }

  private final int maxMessageBytes;
  private final boolean rawDataRows;
  private State state;

  /** A decoder for a connection that starts with typed messages (no SSLRequest was sent). */
  public BackendDecoder() {
    this(false, DEFAULT_MAX_MESSAGE_BYTES);
  }

  /**
   * A decoder that first expects the {@link EncryptionResponse} byte when {@code afterSslRequest},
   * refusing messages longer than {@code maxMessageBytes} (at most 1 GiB).
   */
  public BackendDecoder(boolean afterSslRequest, int maxMessageBytes) {
    this(afterSslRequest, maxMessageBytes, false);
  }

  /**
   * As {@link #BackendDecoder(boolean, int)}; with {@code rawDataRows}, DataRows are emitted as
   * {@link RawDataRow} frames, undecoded (their fields are checked only if they are decoded later).
   */
  public BackendDecoder(boolean afterSslRequest, int maxMessageBytes, boolean rawDataRows) {
    this.maxMessageBytes = MessageFraming.checkMax(maxMessageBytes);
    this.rawDataRows = rawDataRows;
    this.state = afterSslRequest ? State.ENCRYPTION_RESPONSE : State.MESSAGES;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      switch (state) {
        case ENCRYPTION_RESPONSE -> {
          if (!in.isReadable()) {
            return;
          }
          byte answer = in.readByte();
          if (answer != 'S' && answer != 'N' && answer != 'G') {
            fail(
                in,
                out,
                "server answered SSLRequest with byte "
                    + MessageFraming.describe(answer)
                    + ", expected 'S' or 'N'");
            return;
          }
          out.add(new EncryptionResponse(answer));
          state = State.MESSAGES;
          // After 'S' the next bytes are TLS and belong to the SslHandler the caller installs.
          return;
        }
        case MESSAGES -> {
          if (rawDataRows && rawDataRow(in, out)) {
            continue;
          }
          if (!MessageFraming.decodeOne(
              in, out, maxMessageBytes, "server", BackendMessages::decode)) {
            if (!out.isEmpty() && out.get(out.size() - 1) instanceof DecodeFailure) {
              state = State.FAILED;
              in.skipBytes(in.readableBytes());
            }
            return;
          }
        }
        case FAILED -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  /** Emits a whole, well-sized DataRow undecoded; false leaves everything else to the framing. */
  private boolean rawDataRow(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 5 || in.getByte(in.readerIndex()) != 'D') {
      return false;
    }
    long length = in.getUnsignedInt(in.readerIndex() + 1);
    if (length < 6 || length > maxMessageBytes || in.readableBytes() < 1 + length) {
      return false;
    }
    out.add(new RawDataRow(in.readRetainedSlice(1 + (int) length)));
    return true;
  }

  private void fail(ByteBuf in, List<Object> out, String message) {
    state = State.FAILED;
    in.skipBytes(in.readableBytes());
    out.add(new DecodeFailure(message));
  }
}
