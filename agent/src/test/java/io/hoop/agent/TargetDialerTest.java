package io.hoop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.tunnel.mux.AgentWelcome.AssignedTarget;
import io.hoop.tunnel.mux.MuxStreamException;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent dials only what the broker assigned and the operator allows; no OPEN carries an
 * address.
 */
class TargetDialerTest {
  @Test
  void refusesUnassignedNamesAndAddressesOutsideTheAllowList() throws Exception {
    var loop =
        new io.netty.channel.MultiThreadIoEventLoopGroup(
            1, io.netty.channel.nio.NioIoHandler.newFactory());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      TargetDialer dialer =
          new TargetDialer(
              "eu1",
              List.of(
                  new AssignedTarget("db", "127.0.0.1", server.getLocalPort()),
                  new AssignedTarget("other", "127.0.0.1", 1)),
              Set.of("127.0.0.1:" + server.getLocalPort()));
      var el = loop.next();
      Future<Channel> ok = dialer.connect("db", el);
      assertThat(ok.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(ok.isSuccess()).as(String.valueOf(ok.cause())).isTrue();
      ok.getNow().close().sync();

      for (String name : new String[] {"nope", "127.0.0.1:22", "", "db\n", "DB"}) {
        Future<Channel> f = dialer.connect(name, el);
        assertThat(f.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(f.cause())
            .isInstanceOf(MuxStreamException.class)
            .hasMessageContaining("is not assigned to agent eu1");
        assertThat(f.cause().getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
      }
      Future<Channel> notAllowed = dialer.connect("other", el);
      assertThat(notAllowed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(notAllowed.cause()).hasMessageContaining("does not allow 127.0.0.1:1");
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void aRefusedConnectionNamesTheAgentAndTheAddress() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    var loop =
        new io.netty.channel.MultiThreadIoEventLoopGroup(
            1, io.netty.channel.nio.NioIoHandler.newFactory());
    try {
      TargetDialer dialer =
          new TargetDialer("eu1", List.of(new AssignedTarget("db", "127.0.0.1", closed)), Set.of());
      Future<Channel> f = dialer.connect("db", loop.next());
      assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.cause())
          .hasMessage("agent eu1 cannot connect to 127.0.0.1:" + closed + ": connection refused");
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
