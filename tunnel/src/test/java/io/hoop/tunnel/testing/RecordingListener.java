package io.hoop.tunnel.testing;

import io.hoop.api.ApiError;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.HandshakeReply;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Records client-side tunnel events. */
public final class RecordingListener implements TunnelClient.Listener {
  /** A recorded {@code closed} call; {@code notice} is null for a plain disconnect. */
  public record Closed(CloseNotice notice, long bytesUp, long bytesDown) {}

  public final BlockingQueue<HandshakeReply> opened = new LinkedBlockingQueue<>();
  public final BlockingQueue<ApiError> refused = new LinkedBlockingQueue<>();
  public final BlockingQueue<Closed> closed = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> failed = new LinkedBlockingQueue<>();

  @Override
  public void opened(HandshakeReply reply) {
    opened.add(reply);
  }

  @Override
  public void refused(ApiError error) {
    refused.add(error);
  }

  @Override
  public void closed(CloseNotice notice, long bytesUp, long bytesDown) {
    closed.add(new Closed(notice, bytesUp, bytesDown));
  }

  @Override
  public void failed(String message, Throwable cause) {
    failed.add(message);
  }
}
