package io.hoop.broker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the TLS handler of the broker's port: a connection whose TLS fails (an old
 * protocol, no shared cipher, a scanner, plain HTTP sent to the https port) is one log line naming
 * the peer and the reason, and is closed; never a stack trace. Other errors pass on.
 */
@ChannelHandler.Sharable
public final class TlsFailureLog extends ChannelInboundHandlerAdapter {
  /** The one instance (it keeps no state). */
  public static final TlsFailureLog INSTANCE = new TlsFailureLog();

  private static final Logger LOG = LoggerFactory.getLogger(TlsFailureLog.class);
  private static final int MAX_REASON = 160;

  private TlsFailureLog() {}

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable tls =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (!(tls instanceof SSLException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    boolean established = ssl != null && ssl.handshakeFuture().isSuccess();
    LOG.info(
        "tls {} remote={} reason={}",
        established ? "connection failed" : "handshake failed",
        ctx.channel().remoteAddress(),
        reason(tls));
    ctx.close();
  }

  /** A short reason: OpenSSL's error name, or the JDK's message; never the peer's bytes. */
  static String reason(Throwable tls) {
    if (tls instanceof NotSslRecordException) {
      return "not a TLS record (plain HTTP or another protocol sent to the https port?)";
    }
    String m = tls.getMessage() == null ? tls.getClass().getSimpleName() : tls.getMessage();
    if (m.startsWith("error:")) {
      // error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL
      m = m.substring(m.lastIndexOf(':') + 1);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < m.length() && sb.length() < MAX_REASON; i++) {
      char c = m.charAt(i);
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }
}
