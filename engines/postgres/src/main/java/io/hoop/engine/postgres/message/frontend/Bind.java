package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Bind ('B'): binds parameter values (null entries are SQL NULL) to a prepared statement, creating
 * a portal.
 */
public record Bind(
    String portal,
    String statement,
    List<Short> parameterFormats,
    List<byte[]> parameters,
    List<Short> resultFormats)
    implements FrontendMessage {
  public static final byte TYPE = 'B';

  public Bind {
    requireNonNull(portal, "portal");
    requireNonNull(statement, "statement");
    parameterFormats = List.copyOf(parameterFormats);
    parameters = Collections.unmodifiableList(Arrays.asList(parameters.toArray(new byte[0][])));
    resultFormats = List.copyOf(resultFormats);
  }

  /** Decodes the body of a Bind message. */
  public static Bind decode(ByteBuf body) {
    String portal = Wire.readCString(body);
    String statement = Wire.readCString(body);
    List<Short> parameterFormats = readFormats(body, "Bind parameter format");
    int n = Wire.readCount(body, "Bind parameter");
    List<byte[]> parameters = new ArrayList<>(Math.min(n, body.readableBytes() / 4 + 1));
    for (int i = 0; i < n; i++) {
      int length = body.readInt();
      parameters.add(length == -1 ? null : Wire.readBytes(body, length));
    }
    List<Short> resultFormats = readFormats(body, "Bind result format");
    Wire.requireConsumed(body, "Bind");
    return new Bind(portal, statement, parameterFormats, parameters, resultFormats);
  }

  private static List<Short> readFormats(ByteBuf body, String what) {
    int n = Wire.readCount(body, what);
    List<Short> formats = new ArrayList<>(Math.min(n, body.readableBytes() / 2 + 1));
    for (int i = 0; i < n; i++) {
      formats.add(body.readShort());
    }
    return formats;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, portal);
    Wire.writeCString(out, statement);
    Wire.writeCount(out, parameterFormats.size(), "Bind parameter format");
    parameterFormats.forEach(f -> out.writeShort(f));
    Wire.writeCount(out, parameters.size(), "Bind parameter");
    for (byte[] value : parameters) {
      if (value == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(value.length);
        out.writeBytes(value);
      }
    }
    Wire.writeCount(out, resultFormats.size(), "Bind result format");
    resultFormats.forEach(f -> out.writeShort(f));
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    // Parameter values may be secrets or personal data: only their count is shown.
    return "Bind[portal="
        + portal
        + ", statement="
        + statement
        + ", parameters="
        + parameters.size()
        + "]";
  }
}
