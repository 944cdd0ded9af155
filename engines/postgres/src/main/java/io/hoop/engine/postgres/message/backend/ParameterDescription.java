package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** ParameterDescription ('t'): the type OIDs of a prepared statement's parameters. */
public record ParameterDescription(List<Integer> typeOids) implements BackendMessage {
  public static final byte TYPE = 't';

  public ParameterDescription {
    typeOids = List.copyOf(typeOids);
  }

  /** Decodes the body of a ParameterDescription message. */
  public static ParameterDescription decode(ByteBuf body) {
    int n = Wire.readCount(body, "ParameterDescription type");
    List<Integer> oids = new ArrayList<>(Math.min(n, body.readableBytes() / 4 + 1));
    for (int i = 0; i < n; i++) {
      oids.add(body.readInt());
    }
    Wire.requireConsumed(body, "ParameterDescription");
    return new ParameterDescription(oids);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCount(out, typeOids.size(), "ParameterDescription type");
    typeOids.forEach(out::writeInt);
    Wire.end(out, at);
  }
}
