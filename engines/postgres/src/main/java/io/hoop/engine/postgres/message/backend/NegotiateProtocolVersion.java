package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * NegotiateProtocolVersion ('v'): the newest minor version the server supports and the startup
 * options it did not recognise.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
    implements BackendMessage {
  public static final byte TYPE = 'v';

  public NegotiateProtocolVersion {
    unrecognizedOptions = List.copyOf(unrecognizedOptions);
  }

  /** Decodes the body of a NegotiateProtocolVersion message. */
  public static NegotiateProtocolVersion decode(ByteBuf body) {
    int minor = body.readInt();
    int n = body.readInt();
    if (n < 0) {
      throw new IllegalArgumentException("NegotiateProtocolVersion option count " + n + " < 0");
    }
    List<String> options = new ArrayList<>(Math.min(n, body.readableBytes()));
    for (int i = 0; i < n; i++) {
      options.add(Wire.readCString(body));
    }
    Wire.requireConsumed(body, "NegotiateProtocolVersion");
    return new NegotiateProtocolVersion(minor, options);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeInt(newestMinorVersion);
    out.writeInt(unrecognizedOptions.size());
    unrecognizedOptions.forEach(o -> Wire.writeCString(out, o));
    Wire.end(out, at);
  }
}
