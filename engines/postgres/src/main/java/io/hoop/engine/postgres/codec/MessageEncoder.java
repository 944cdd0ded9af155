package io.hoop.engine.postgres.codec;

import io.hoop.engine.postgres.message.PostgresMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes frontend and backend message records; other outbound objects pass by untouched. */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToByteEncoder<PostgresMessage> {
  /** The encoder is stateless, so one instance serves every pipeline. */
  public static final MessageEncoder INSTANCE = new MessageEncoder();

  private MessageEncoder() {
    super(PostgresMessage.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, PostgresMessage msg, ByteBuf out) {
    msg.encode(out);
  }
}
