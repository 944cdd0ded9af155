package io.hoop.broker.direct;

import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.hoop.engine.postgres.message.frontend.GssEncRequest;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The plaintext start of a direct PostgreSQL connection: an SSLRequest is answered {@code S} and
 * TLS follows; a TLS ClientHello first (PostgreSQL 17's {@code sslnegotiation=direct}) starts TLS
 * at once; a GSSENCRequest is declined with {@code N}; a CancelRequest is taken as PostgreSQL takes
 * it ({@link DirectCancel}: clients send it in plaintext, and it carries only a cancel key).
 * Anything else in plaintext, a StartupMessage first of all, is refused and audited: the password
 * never crosses the network in the clear. Bytes sent after the SSLRequest but before TLS are
 * refused too (they would otherwise be taken as if they came through TLS, CVE-2021-23214's class).
 */
final class DirectNegotiation extends ByteToMessageDecoder {
  private static final byte TLS_HANDSHAKE_RECORD = 0x16;

  private final PostgresDirect direct;
  private boolean done;

  DirectNegotiation(PostgresDirect direct) {
    this.direct = direct;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!done && in.isReadable()) {
      if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD) {
        done = true;
        DirectLogin.startTls(ctx, direct, true);
        return;
      }
      if (in.readableBytes() < 8) {
        return;
      }
      long length = in.getUnsignedInt(in.readerIndex());
      int code = in.getInt(in.readerIndex() + 4);
      if (length == 8 && code == SslRequest.CODE) {
        in.skipBytes(8);
        done = true;
        if (in.isReadable()) {
          refuse(ctx, in, "tls_required", "the client sent data after its SSLRequest, before TLS");
          ctx.close();
          return;
        }
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('S'));
        DirectLogin.startTls(ctx, direct, false);
        return;
      }
      if (length == 8 && code == GssEncRequest.CODE) {
        in.skipBytes(8);
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
        continue;
      }
      if (length == 16 && code == CancelRequest.CODE && in.readableBytes() < 16) {
        return;
      }
      done = true;
      if (length == 16 && code == CancelRequest.CODE) {
        CancelRequest cancel =
            new CancelRequest(in.getInt(in.readerIndex() + 8), in.getInt(in.readerIndex() + 12));
        in.skipBytes(in.readableBytes());
        DirectCancel.cancel(ctx.channel(), cancel, direct);
        return;
      }
      ErrorResponse error =
          ErrorResponse.of(
              "FATAL",
              "28000",
              "hoop direct access requires TLS: connect with sslmode=verify-full and the broker's"
                  + " CA as sslrootcert");
      ByteBuf buf = ctx.alloc().buffer();
      error.encode(buf);
      refuse(ctx, in, "tls_required", "a plaintext startup (direct access takes TLS only)");
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
      } else {
        buf.release();
      }
      return;
    }
    if (done) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void refuse(ChannelHandlerContext ctx, ByteBuf in, String code, String message) {
    in.skipBytes(in.readableBytes());
    direct.refused(ctx.channel(), code, "postgres direct access refused: " + message, null);
  }
}
