package io.hoop.engine.postgres.codec;

import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.hoop.engine.postgres.message.frontend.FrontendMessages;
import io.hoop.engine.postgres.message.frontend.GssEncRequest;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes what a PostgreSQL client sends: the untyped startup phase (SSLRequest, GSSENCRequest,
 * CancelRequest, StartupMessage), then typed messages. Bad input is reported once as a {@link
 * DecodeFailure}, after which all input is discarded.
 */
public final class FrontendDecoder extends ByteToMessageDecoder {
  /** The default and largest message size, 1 GiB, as in PostgreSQL. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = MessageFraming.HARD_MAX_MESSAGE_BYTES;

  /** PostgreSQL's own limit for startup packets. */
  static final int MAX_STARTUP_BYTES = 10_000;

  private enum State {
    STARTUP,
    MESSAGES,
    /** After a CancelRequest the client has nothing more to say on this connection. */
    DONE,
    FAILED
  }

  private final int maxMessageBytes;
  private State state = State.STARTUP;

  /** A decoder with the default maximum message size. */
  public FrontendDecoder() {
    this(DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** A decoder refusing messages longer than {@code maxMessageBytes} (at most 1 GiB). */
  public FrontendDecoder(int maxMessageBytes) {
    this.maxMessageBytes = MessageFraming.checkMax(maxMessageBytes);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      switch (state) {
        case STARTUP -> {
          if (!decodeStartup(in, out)) {
            return;
          }
        }
        case MESSAGES -> {
          if (!MessageFraming.decodeOne(
              in, out, maxMessageBytes, "client", FrontendMessages::decode)) {
            failIfReported(in, out);
            return;
          }
        }
        case DONE, FAILED -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  private boolean decodeStartup(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 8) {
      return false;
    }
    int start = in.readerIndex();
    long length = in.getUnsignedInt(start);
    int code = in.getInt(start + 4);
    if (length < 8 || length > MAX_STARTUP_BYTES) {
      fail(
          in,
          out,
          "startup packet declares length " + length + ", expected 8.." + MAX_STARTUP_BYTES);
      return false;
    }
    if (in.readableBytes() < length) {
      return false;
    }
    in.skipBytes(8);
    ByteBuf body = in.readSlice((int) length - 8);
    switch (code) {
      case SslRequest.CODE -> {
        return emitFixed(in, out, body, SslRequest.INSTANCE, "SSLRequest");
      }
      case GssEncRequest.CODE -> {
        return emitFixed(in, out, body, GssEncRequest.INSTANCE, "GSSENCRequest");
      }
      case CancelRequest.CODE -> {
        if (body.readableBytes() != 8) {
          fail(in, out, "CancelRequest has length " + length + ", expected 16");
          return false;
        }
        out.add(CancelRequest.decode(body));
        state = State.DONE;
        return true;
      }
      default -> {
        if (code >>> 16 != 3) {
          fail(
              in,
              out,
              "unsupported frontend protocol "
                  + (code >>> 16)
                  + "."
                  + (code & 0xffff)
                  + ": expected 3.x");
          return false;
        }
        try {
          out.add(StartupMessage.decode(code, body));
        } catch (RuntimeException e) {
          fail(in, out, "malformed StartupMessage: " + MessageFraming.reason(e));
          return false;
        }
        state = State.MESSAGES;
        return true;
      }
    }
  }

  private boolean emitFixed(
      ByteBuf in, List<Object> out, ByteBuf body, Object message, String name) {
    if (body.isReadable()) {
      fail(in, out, name + " has " + (body.readableBytes() + 8) + " bytes, expected 8");
      return false;
    }
    out.add(message);
    return true;
  }

  private void failIfReported(ByteBuf in, List<Object> out) {
    if (!out.isEmpty() && out.get(out.size() - 1) instanceof DecodeFailure) {
      state = State.FAILED;
      in.skipBytes(in.readableBytes());
    }
  }

  private void fail(ByteBuf in, List<Object> out, String message) {
    state = State.FAILED;
    in.skipBytes(in.readableBytes());
    out.add(new DecodeFailure(message));
  }
}
