package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** StartupMessage: protocol version and parameters such as {@code user} and {@code database}. */
public record StartupMessage(int protocolVersion, Map<String, String> parameters)
    implements FrontendMessage {
  /** Protocol 3.0, the only version this engine speaks. */
  public static final int PROTOCOL_3_0 = 3 << 16;

  public StartupMessage {
    requireNonNull(parameters, "parameters");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** A protocol 3.0 startup message. */
  public static StartupMessage of(Map<String, String> parameters) {
    return new StartupMessage(PROTOCOL_3_0, parameters);
  }

  /** The {@code user} parameter, or null when absent. */
  public String user() {
    return parameters.get("user");
  }

  /** The {@code database} parameter, defaulting to the user name as the server does. */
  public String database() {
    return parameters.getOrDefault("database", user());
  }

  /** Decodes the body after the protocol version (name/value pairs ending with an empty name). */
  public static StartupMessage decode(int protocolVersion, ByteBuf body) {
    Map<String, String> parameters = new LinkedHashMap<>();
    while (true) {
      String name = Wire.readCString(body);
      if (name.isEmpty()) {
        break;
      }
      String value = Wire.readCString(body);
      if (parameters.put(name, value) != null) {
        throw new IllegalArgumentException("startup parameter \"" + name + "\" appears twice");
      }
    }
    Wire.requireConsumed(body, "StartupMessage");
    return new StartupMessage(protocolVersion, parameters);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.beginUntyped(out);
    out.writeInt(protocolVersion);
    parameters.forEach(
        (name, value) -> {
          Wire.writeCString(out, name);
          Wire.writeCString(out, value);
        });
    out.writeByte(0);
    Wire.end(out, at);
  }
}
