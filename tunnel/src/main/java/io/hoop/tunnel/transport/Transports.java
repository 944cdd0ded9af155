package io.hoop.tunnel.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** The one place that picks the transport: native epoll when it loads, else NIO. */
public final class Transports {
  private Transports() {}

  /** Whether native epoll is in use. */
  public static boolean epoll() {
    return Epoll.isAvailable();
  }

  /** The I/O handler factory for the chosen transport. */
  public static IoHandlerFactory ioHandlerFactory() {
    return epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /**
   * A new event loop group with daemon threads named {@code name-N}.
   *
   * @param threads number of event loops; 0 means one per core (or the system property {@code
   *     io.netty.eventLoopThreads} when set)
   */
  public static EventLoopGroup newGroup(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(
        threads > 0 ? threads : defaultThreads(),
        new DefaultThreadFactory(name, true),
        ioHandlerFactory());
  }

  private static int defaultThreads() {
    // Our loops never block, so netty's two per core only adds runnable threads: on a small
    // machine shared with the database they cost context switches and wake-ups per message.
    return Math.max(
        1,
        Integer.getInteger(
            "io.netty.eventLoopThreads", Runtime.getRuntime().availableProcessors()));
  }

  /** Server channel class matching {@link #newGroup}. */
  public static Class<? extends ServerSocketChannel> serverChannelClass() {
    return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * Unix-domain server channel class matching {@link #newGroup}. With epoll accepted channels can
   * tell their peer's credentials; the NIO one (macOS, or epoll unavailable) cannot.
   */
  public static Class<? extends ServerChannel> serverDomainChannelClass() {
    return epoll() ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
  }

  /** The address {@link #serverDomainChannelClass()} binds to for the socket file {@code path}. */
  public static SocketAddress domainSocketAddress(Path path) {
    // Each transport accepts only its own address type.
    return epoll() ? new DomainSocketAddress(path.toFile()) : UnixDomainSocketAddress.of(path);
  }

  /** Socket channel class matching {@link #newGroup}. */
  public static Class<? extends SocketChannel> socketChannelClass() {
    return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * Socket channel class that can register on {@code loop}, so an outbound connection can share the
   * event loop of the inbound one even if the caller built its group differently.
   */
  public static Class<? extends SocketChannel> socketChannelClassFor(EventLoop loop) {
    if (loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class)) {
      return EpollSocketChannel.class;
    }
    if (loop instanceof IoEventLoop io && io.isIoType(NioIoHandler.class)) {
      return NioSocketChannel.class;
    }
    return socketChannelClass();
  }
}
