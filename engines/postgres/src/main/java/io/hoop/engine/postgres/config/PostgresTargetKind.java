package io.hoop.engine.postgres.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hoop.tunnel.engine.TargetKind;
import io.hoop.tunnel.engine.TargetSection;
import io.hoop.tunnel.engine.TcpEngine;
import java.util.stream.Collectors;

/**
 * Targets of type {@code postgres}: their {@code postgres} section (roles and password files,
 * guardrails, masking, upstream TLS) and the {@code engine} key choosing the protocol-aware engine
 * or a raw {@code tcp} relay. A postgres target without the section is relayed byte for byte.
 */
public final class PostgresTargetKind implements TargetKind {
  /** The type and section name. */
  public static final String TYPE = "postgres";

  private static final ObjectMapper BINDER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public TargetSection parse(TargetPlace place, Object raw) throws SectionException {
    String key = place.key() + "." + TYPE;
    PostgresTargetSection.RawPostgres bound;
    try {
      bound =
          raw == null ? null : BINDER.convertValue(raw, PostgresTargetSection.RawPostgres.class);
    } catch (IllegalArgumentException e) {
      throw bindingError(key, e);
    }
    PostgresTarget target = PostgresTargetSection.parse(place.key(), place.engine(), bound);
    return target == null ? TargetSection.relay(TcpEngine.NAME) : target;
  }

  private static SectionException bindingError(String key, IllegalArgumentException e) {
    if (e.getCause() instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : u.getKnownPropertyIds().stream()
                  .map(String::valueOf)
                  .sorted()
                  .collect(Collectors.joining(", ", " (known keys: ", ")"));
      return new SectionException(path(key, u) + ": unknown key" + known);
    }
    if (e.getCause() instanceof MismatchedInputException m) {
      return new SectionException(path(key, m) + ": invalid value: " + firstLine(m));
    }
    if (e.getCause() instanceof JsonMappingException m) {
      return new SectionException(path(key, m) + ": invalid value: " + firstLine(m));
    }
    return new SectionException(key + ": invalid section");
  }

  private static String path(String key, JsonMappingException e) {
    StringBuilder sb = new StringBuilder(key);
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(JacksonException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
