package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Parse ('P'): prepares one statement under a name (empty for the unnamed statement). */
public record Parse(String statement, String sql, List<Integer> parameterTypes)
    implements FrontendMessage {
  public static final byte TYPE = 'P';

  public Parse {
    requireNonNull(statement, "statement");
    requireNonNull(sql, "sql");
    parameterTypes = List.copyOf(parameterTypes);
  }

  /** Decodes the body of a Parse message. */
  public static Parse decode(ByteBuf body) {
    String statement = Wire.readCString(body);
    String sql = Wire.readCString(body);
    int n = Wire.readCount(body, "Parse parameter type");
    List<Integer> types = new ArrayList<>(Math.min(n, body.readableBytes() / 4 + 1));
    for (int i = 0; i < n; i++) {
      types.add(body.readInt());
    }
    Wire.requireConsumed(body, "Parse");
    return new Parse(statement, sql, types);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, statement);
    Wire.writeCString(out, sql);
    Wire.writeCount(out, parameterTypes.size(), "Parse parameter type");
    parameterTypes.forEach(out::writeInt);
    Wire.end(out, at);
  }
}
