package io.hoop.tunnel.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes agent-protocol frames. Each frame's declared length is checked against its type's maximum
 * before any payload is read, so a hostile peer cannot make it buffer more than {@link
 * MuxFrame#MAX_CONTROL} plus a header. A violation is reported once as {@link Malformed} and
 * everything after it is dropped; frames of types this version does not know are skipped.
 */
public final class MuxDecoder extends ByteToMessageDecoder {
  /** A framing violation: the connection cannot be followed any further. */
  public record Malformed(String reason) {}

  private enum State {
    HEADER,
    PAYLOAD,
    FAILED
  }

  private State state = State.HEADER;
  private byte type;
  private int stream;
  private int length;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      switch (state) {
        case FAILED -> {
          in.skipBytes(in.readableBytes());
          return;
        }
        case HEADER -> {
          if (in.readableBytes() < MuxFrame.HEADER) {
            return;
          }
          type = in.readByte();
          stream = in.readInt();
          length = in.readInt();
          String problem = check(type, stream, length);
          if (problem != null) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            out.add(new Malformed(problem));
            return;
          }
          state = State.PAYLOAD;
        }
        case PAYLOAD -> {
          if (in.readableBytes() < length) {
            return;
          }
          state = State.HEADER;
          if (!MuxFrame.known(type)) {
            in.skipBytes(length);
            continue;
          }
          out.add(new MuxFrame(type, stream, in.readRetainedSlice(length)));
        }
      }
    }
  }

  /** Why a header is refused, or null. */
  static String check(byte type, int stream, int length) {
    if (length < 0) {
      return "frame " + MuxFrame.name(type) + " declares a negative length " + length;
    }
    if (stream < 0) {
      return "frame " + MuxFrame.name(type) + " names stream " + stream + "; expected 0 or more";
    }
    int max = MuxFrame.maxPayload(type);
    if (length > max) {
      return "frame " + MuxFrame.name(type) + " is " + length + " bytes; expected at most " + max;
    }
    if (!MuxFrame.known(type)) {
      return null;
    }
    if (type == MuxFrame.CREDIT && length != 4) {
      return "frame CREDIT is " + length + " bytes; expected 4";
    }
    if (type == MuxFrame.DATA && length == 0) {
      return "frame DATA is empty; expected 1 to " + MuxFrame.MAX_DATA + " bytes";
    }
    if (MuxFrame.connectionLevel(type) != (stream == 0)) {
      return "frame "
          + MuxFrame.name(type)
          + " names stream "
          + stream
          + (stream == 0 ? "; expected a stream above 0" : "; expected stream 0");
    }
    return null;
  }
}
