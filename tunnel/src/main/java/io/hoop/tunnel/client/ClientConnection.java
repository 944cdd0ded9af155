package io.hoop.tunnel.client;

import io.hoop.tunnel.internal.Frames;
import io.hoop.tunnel.internal.KeepaliveHandler;
import io.hoop.tunnel.internal.Relay;
import io.hoop.tunnel.internal.TunnelEncoder;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.protocol.Keepalive;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted local connection: dials the broker with TLS, sends the handshake while the local
 * socket is not read, and on acceptance hands both channels to a {@link Relay}.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  private static final int BROKER_CONNECT_TIMEOUT_MILLIS = 10_000;

  // With replicas to fail over to, a dead one (no RST) should not hold a connection for long.
  private static final int FAILOVER_CONNECT_TIMEOUT_MILLIS = 3_000;

  private final TunnelClientConfig config;
  private final BrokerEndpoints endpoints;
  private Channel local;
  private BrokerEndpoints.Endpoint current;
  private Channel broker;
  private boolean settled;

  ClientConnection(TunnelClientConfig config, BrokerEndpoints endpoints) {
    this.config = config;
    this.endpoints = endpoints;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    local = ctx.channel();
    List<String> unresolved = new ArrayList<>();
    List<BrokerEndpoints.Endpoint> order = endpoints.order(unresolved);
    if (order.isEmpty()) {
      fail("cannot resolve broker host " + String.join(", ", unresolved), null);
    } else {
      dial(order, 0, new ArrayList<>());
    }
    ctx.fireChannelActive();
  }

  /** Dials {@code order[i]}; when it cannot be reached, the next, until none is left. */
  private void dial(List<BrokerEndpoints.Endpoint> order, int i, List<String> failures) {
    BrokerEndpoints.Endpoint target = order.get(i);
    current = target;
    ChannelFuture connect =
        new Bootstrap()
            .group(local.eventLoop())
            .channel(Transports.socketChannelClassFor(local.eventLoop()))
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Relay.WATER_MARK)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                order.size() > 1 ? FAILOVER_CONNECT_TIMEOUT_MILLIS : BROKER_CONNECT_TIMEOUT_MILLIS)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            "tls",
                            config
                                .sslContext()
                                .newHandler(ch.alloc(), target.host(), target.address().getPort()));
                    ch.pipeline().addLast("hoop-encoder", new TunnelEncoder());
                    ch.pipeline().addLast("hoop-reply", new ReplyDecoder());
                    ch.pipeline().addLast("hoop-handshake", new BrokerSide());
                  }
                })
            .connect(target.address());
    broker = connect.channel();
    connect.addListener(
        (ChannelFutureListener)
            f -> {
              if (f.isSuccess()) {
                endpoints.succeeded(target);
                return;
              }
              failures.add(target + ": " + messageOf(f.cause()));
              if (i + 1 < order.size() && !settled && local.isActive()) {
                log.debug("broker {} unreachable, trying {}", target, order.get(i + 1));
                dial(order, i + 1, failures);
              } else {
                fail(
                    "cannot connect to broker "
                        + (failures.size() == 1
                            ? failures.get(0)
                            : "(tried " + failures.size() + "): " + String.join("; ", failures)),
                    f.cause());
              }
            });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Local reads start only after acceptance, when the relay replaces this handler.
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The application gave up before the broker answered.
    settled = true;
    if (broker != null) {
      broker.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("local connection failed", cause);
    ctx.close();
  }

  private void accepted(ChannelHandlerContext brokerCtx, HandshakeReply reply) {
    settled = true;
    log.debug("tunnel accepted session={} grant={}", reply.sessionId(), reply.grantId());
    callListener(() -> config.listener().opened(reply));
    Keepalive keepalive = Keepalive.fromReply(reply);
    Relay relay =
        new Relay(
            broker,
            local,
            // The broker is told the application left, so it does not record a lost client.
            new Relay.Reasons(
                "broker_closed",
                "local_closed",
                new CloseNotice("client_closed", "the local application closed the connection"),
                "broker_disconnected"),
            "session=" + reply.sessionId() + " grant=" + reply.grantId(),
            ending ->
                callListener(
                    () ->
                        config
                            .listener()
                            .closed(
                                ending.received() != null
                                    ? ending.received()
                                    : localNotice(ending.reason(), keepalive),
                                ending.bytesFromRaw(),
                                ending.bytesFromFramed())));
    brokerCtx.pipeline().replace(brokerCtx.handler(), "hoop-relay", relay.framedHandler());
    if (keepalive != null) {
      // A broker older than keepalives names none: then nothing is sent or expected.
      brokerCtx
          .pipeline()
          .addBefore(
              "hoop-relay",
              "hoop-keepalive",
              new KeepaliveHandler(
                  keepalive,
                  silentMillis -> {
                    relay.closeWith(
                        new CloseNotice("broker_unresponsive", "no frame from the broker"),
                        "broker_unresponsive");
                    // A broker that reads nothing never lets the CLOSE be flushed.
                    broker.close();
                  }));
    }
    local.pipeline().replace(this, "hoop-relay", relay.rawHandler());
    relay.start();
  }

  /** What the user is told when the tunnel ended on this side's initiative, or null. */
  private static CloseNotice localNotice(String reason, Keepalive keepalive) {
    return switch (reason) {
      case "broker_unresponsive" ->
          new CloseNotice(
              "broker_unresponsive",
              "the broker sent nothing for "
                  + keepalive.deadPeerTimeout().toSeconds()
                  + " s (network cut or broker gone); the connection was closed");
      case "broker_disconnected" ->
          new CloseNotice(
              "broker_disconnected", "the connection to the broker ended without a goodbye");
      default -> null;
    };
  }

  private void fail(String message, Throwable cause) {
    if (settled) {
      return;
    }
    settled = true;
    log.debug("tunnel connection failed: {}", message, cause);
    callListener(() -> config.listener().failed(message, cause));
    local.close();
    if (broker != null) {
      broker.close();
    }
  }

  private String brokerAddress() {
    return current != null ? current.toString() : config.brokerHost() + ":" + config.brokerPort();
  }

  private void callListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("tunnel listener failed", e);
    }
  }

  /** The most useful line for a user: a certificate problem wins over the TLS wrapper. */
  static String messageOf(Throwable error) {
    if (error == null) {
      return "unknown error";
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CertificateException && t.getMessage() != null) {
        return t.getMessage();
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SSLException && t.getMessage() != null) {
        return "TLS handshake failed: " + t.getMessage();
      }
    }
    return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
  }

  /** The broker side until the reply arrives. */
  private final class BrokerSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Handshake handshake;
      try {
        handshake = config.handshake().get().withKeepalive();
      } catch (RuntimeException e) {
        fail("cannot build the tunnel handshake: " + e.getMessage(), e);
        return;
      }
      ctx.writeAndFlush(handshake).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
      ctx.read();
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HandshakeReply reply && !settled) {
        if (reply.ok()) {
          accepted(ctx, reply);
        } else {
          settled = true;
          log.debug("tunnel refused code={}", reply.error().code());
          callListener(() -> config.listener().refused(reply.error()));
          local.close();
          Frames.closeOnFlush(broker);
        }
      } else if (msg instanceof Frames.Malformed malformed) {
        fail("broker " + brokerAddress() + " sent an invalid reply: " + malformed.message(), null);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      fail("broker " + brokerAddress() + " closed the connection before answering", null);
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail("tunnel to broker " + brokerAddress() + " failed: " + messageOf(cause), cause);
    }
  }
}
