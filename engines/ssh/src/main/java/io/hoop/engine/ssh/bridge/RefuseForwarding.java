package io.hoop.engine.ssh.bridge;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * apache-sshd's own forwarding stays off: remote forwarding ({@code tcpip-forward}) is refused and
 * reported; agent and X11 are refused by {@link BridgedSessionChannel}; {@code direct-tcpip} goes
 * to {@link DirectTcpipBridgeChannel}, never to sshd's forwarder (which would connect from the
 * broker).
 */
final class RefuseForwarding implements ForwardingFilter {

  @Override
  public boolean canForwardAgent(Session session, String requestType) {
    return false;
  }

  @Override
  public boolean canForwardX11(Session session, String requestType) {
    return false;
  }

  @Override
  public boolean canListen(SshdSocketAddress address, Session session) {
    BridgeSession bridge = session.getAttribute(BridgeSession.KEY);
    if (bridge != null) {
      bridge.emit(
          new BridgeEvent.Denied(
              bridge.sessionKey(),
              "tcpip-forward",
              address.toString(),
              "remote port forwarding is never bridged"));
    }
    return false;
  }

  @Override
  public boolean canConnect(
      TcpForwardingFilter.Type type, SshdSocketAddress address, Session session) {
    return false;
  }
}
