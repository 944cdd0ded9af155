package io.hoop.engine.ssh.bridge;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * The server end's connection service, which puts the bridge's reason into a refused channel open
 * (apache-sshd sends only "Generic error while opening channel"; OpenSSH prints the text it gets).
 */
final class BridgeConnectionService extends ServerConnectionService {

  private static final AttributeKey<Map<Long, String>> REASONS = new AttributeKey<>();

  private BridgeConnectionService(AbstractServerSession session) throws IOException {
    super(session);
  }

  /** Remembers why the user's channel {@code sender} is refused, for the OPEN_FAILURE text. */
  static void explain(Session session, long sender, String reason) {
    session.computeAttributeIfAbsent(REASONS, k -> new ConcurrentHashMap<>()).put(sender, reason);
  }

  @Override
  protected IoWriteFuture sendChannelOpenFailure(
      Buffer buffer, long sender, int reasonCode, String message, String lang) throws IOException {
    Map<Long, String> reasons = getSession().getAttribute(REASONS);
    String reason = reasons == null ? null : reasons.remove(sender);
    return super.sendChannelOpenFailure(
        buffer, sender, reasonCode, reason == null ? message : reason, lang);
  }

  /** Creates {@link BridgeConnectionService}s. */
  static final class Factory extends ServerConnectionServiceFactory {
    @Override
    public Service create(Session session) throws IOException {
      return new BridgeConnectionService((AbstractServerSession) session);
    }
  }
}
