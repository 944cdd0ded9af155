package io.hoop.broker.direct;

import io.hoop.engine.postgres.engine.internal.CancelRegistry;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CancelRequest on the direct port (psql's Ctrl-C, JDBC's {@code Statement.cancel()}): it comes
 * on a connection of its own, authenticated by nothing but the cancel key the broker handed the
 * session (63 random bits, unrelated to the server's own key), exactly as PostgreSQL does. libpq
 * before PostgreSQL 17 and pgjdbc send it in plaintext, so it is taken before TLS too: it can only
 * cancel, and reveals nothing. A known key cancels the statement held for a reviewer in that
 * session, or is replaced by the server's real key and sent to the server over a connection of its
 * own (through the target's agent when it has one). An unknown key gets no answer, like
 * PostgreSQL's, so keys cannot be probed; it is audited as a refusal.
 */
final class DirectCancel {
  private static final Logger log = LoggerFactory.getLogger(DirectCancel.class);

  private DirectCancel() {}

  static void cancel(Channel ch, CancelRequest request, PostgresDirect direct) {
    CancelRegistry.Target found =
        CancelRegistry.SHARED.lookup(request.processId(), request.secretKey());
    if (found == null) {
      direct.refused(
          ch,
          "unknown_cancel_key",
          "postgres direct access: a CancelRequest whose key no live session holds",
          null);
      ch.close();
      return;
    }
    ch.close();
    if (found.onCancel() != null && found.onCancel().getAsBoolean()) {
      log.info("postgres direct cancel ended a held statement remote={}", ch.remoteAddress());
      return;
    }
    if (!(found.upstream() instanceof InetSocketAddress upstream)) {
      log.warn(
          "postgres direct cancel dropped: upstream {} is not a TCP address", found.upstream());
      return;
    }
    CancelRequest real = new CancelRequest(found.key().processId(), found.key().secretKey());
    found
        .connector()
        .connect(ch.eventLoop(), upstream)
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                log.info(
                    "postgres direct cancel could not reach the server upstream={} error={}",
                    upstream,
                    f.cause().getMessage());
                return;
              }
              Channel server = f.getNow();
              ByteBuf buf = server.alloc().buffer(16);
              real.encode(buf);
              server.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
              log.info(
                  "postgres direct cancel sent remote={} upstreamPid={}",
                  ch.remoteAddress(),
                  found.key().processId());
            });
  }
}
