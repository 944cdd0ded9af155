package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** NotificationResponse ('A'): a NOTIFY delivered to this session's LISTEN. */
public record NotificationResponse(int processId, String channel, String payload)
    implements BackendMessage {
  public static final byte TYPE = 'A';

  public NotificationResponse {
    requireNonNull(channel, "channel");
    requireNonNull(payload, "payload");
  }

  /** Decodes the body of a NotificationResponse message. */
  public static NotificationResponse decode(ByteBuf body) {
    NotificationResponse n =
        new NotificationResponse(body.readInt(), Wire.readCString(body), Wire.readCString(body));
    Wire.requireConsumed(body, "NotificationResponse");
    return n;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeInt(processId);
    Wire.writeCString(out, channel);
    Wire.writeCString(out, payload);
    Wire.end(out, at);
  }
}
