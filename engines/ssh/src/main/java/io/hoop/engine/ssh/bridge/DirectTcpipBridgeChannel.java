package io.hoop.engine.ssh.bridge;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncInputStream;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * The user's {@code direct-tcpip} channel (ssh -L), opened as the same channel on the target
 * connection when the policy allows it: the target, not the broker, connects to the address.
 */
final class DirectTcpipBridgeChannel extends AbstractServerChannel {

  private final AtomicInteger pending = new AtomicInteger(2);
  private ChannelAsyncInputStream fromUser;
  private ChannelAsyncOutputStream toUser;
  private volatile ClientChannel targetChannel;
  private volatile Pump up;
  private volatile Pump down;
  private String detail = "";

  DirectTcpipBridgeChannel() {
    super("direct-tcpip", List.of(), null);
  }

  @Override
  protected OpenFuture doInit(Buffer buffer) {
    DefaultOpenFuture opened = new DefaultOpenFuture(this, null);
    addCloseFutureListener(f -> closeTarget());
    String host = buffer.getString();
    int port = (int) buffer.getUInt();
    String originatorHost = buffer.getString();
    int originatorPort = (int) buffer.getUInt();
    detail = host + ":" + port;
    BridgeSession bridge = getServerSession().getAttribute(BridgeSession.KEY);
    if (bridge == null) {
      opened.setException(prohibited("not admitted"));
      return opened;
    }
    Verdict verdict;
    try {
      verdict = bridge.admission().policy().directTcpip().check(host, port);
    } catch (RuntimeException e) {
      verdict = Verdict.deny("the address could not be checked");
    }
    if (!verdict.allowed()) {
      bridge.emit(
          new BridgeEvent.Denied(bridge.sessionKey(), "direct-tcpip", detail, verdict.reason()));
      opened.setException(
          prohibited("hoop: forwarding to " + detail + " refused by policy: " + verdict.reason()));
      return opened;
    }
    fromUser = new ChannelAsyncInputStream(this);
    toUser = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA);
    bridge
        .target()
        .whenComplete(
            (target, failure) -> {
              if (failure != null) {
                opened.setException(prohibited(BridgedCommand.messageOf(failure)));
              } else {
                openOnTarget(
                    bridge,
                    target,
                    new SshdSocketAddress(originatorHost, originatorPort),
                    new SshdSocketAddress(host, port),
                    opened);
              }
            });
    return opened;
  }

  private void openOnTarget(
      BridgeSession bridge,
      ClientSession target,
      SshdSocketAddress originator,
      SshdSocketAddress destination,
      DefaultOpenFuture opened) {
    try {
      ChannelDirectTcpip c = target.createDirectTcpipChannel(originator, destination);
      c.setStreaming(ClientChannel.Streaming.Async);
      targetChannel = c;
      c.open()
          .addListener(
              f -> {
                if (!f.isOpened()) {
                  String why =
                      "hoop: target " + bridge.admission().target() + " could not open " + detail;
                  BridgeConnectionService.explain(getSession(), getRecipient(), why);
                  opened.setException(
                      new SshChannelOpenException(
                          getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED, why));
                  return;
                }
                // the connection service sends OPEN_CONFIRMATION on this signal, not on the future
                signalChannelOpenSuccess();
                opened.setOpened();
                bridge.emit(
                    new BridgeEvent.ChannelStarted(
                        bridge.sessionKey(), (int) getChannelId(), "direct-tcpip", detail, false));
                up =
                    new Pump(
                            fromUser,
                            c.getAsyncIn(),
                            null,
                            e -> {
                              c.getAsyncIn().close(false);
                              ended(bridge);
                            })
                        .start();
                down =
                    new Pump(
                            c.getAsyncOut(),
                            toUser,
                            null,
                            e -> {
                              sendEofQuietly();
                              ended(bridge);
                            })
                        .start();
                c.addCloseFutureListener(x -> close(false));
              });
    } catch (IOException | RuntimeException e) {
      opened.setException(
          prohibited("hoop: target " + bridge.admission().target() + " could not open " + detail));
    }
  }

  private void ended(BridgeSession bridge) {
    if (pending.decrementAndGet() == 0) {
      bridge.emit(
          new BridgeEvent.ChannelEnded(
              bridge.sessionKey(),
              (int) getChannelId(),
              "direct-tcpip",
              detail,
              null,
              null,
              up == null ? 0 : up.bytes(),
              down == null ? 0 : down.bytes()));
      close(false);
    }
  }

  private void sendEofQuietly() {
    try {
      sendEof();
    } catch (IOException | RuntimeException e) {
      close(true);
    }
  }

  private SshChannelOpenException prohibited(String message) {
    BridgeConnectionService.explain(getSession(), getRecipient(), message);
    return new SshChannelOpenException(
        getChannelId(), SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, message);
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    // copied into the stream's own buffer; the window reopens when the pump reads it
    fromUser.write(new ByteArrayBuffer(data, off, (int) len));
  }

  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
    throw new IOException("direct-tcpip carries no extended data");
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    if (fromUser != null) {
      fromUser.close(false);
    }
  }

  private void closeTarget() {
    ClientChannel c = targetChannel;
    if (c != null) {
      c.close(true);
    }
    if (fromUser != null) {
      fromUser.close(true);
    }
    if (toUser != null) {
      toUser.close(true);
    }
  }
}
