package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Query ('Q'): simple-protocol SQL, possibly several statements. */
public record Query(String sql) implements FrontendMessage {
  public static final byte TYPE = 'Q';

  public Query {
    requireNonNull(sql, "sql");
  }

  /** Decodes the body of a Query message. */
  public static Query decode(ByteBuf body) {
    Query query = new Query(Wire.readCString(body));
    Wire.requireConsumed(body, "Query");
    return query;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, sql);
    Wire.end(out, at);
  }
}
