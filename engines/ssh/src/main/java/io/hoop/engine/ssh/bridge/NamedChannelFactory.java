package io.hoop.engine.ssh.bridge;

import java.util.function.Supplier;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;

/** The only channel types the bridge's server end opens. */
record NamedChannelFactory(String name, Supplier<Channel> create) implements ChannelFactory {

  @Override
  public String getName() {
    return name;
  }

  @Override
  public Channel createChannel(Session session) {
    return create.get();
  }
}
