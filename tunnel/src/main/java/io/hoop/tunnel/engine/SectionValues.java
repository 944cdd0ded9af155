package io.hoop.tunnel.engine;

import io.hoop.tunnel.engine.TargetKind.SectionException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a target section given as plain YAML values ({@link TargetKind#parse}): maps with string
 * keys, lists, closed key sets. Errors name the key and the shape found, never the value (a section
 * may hold secrets).
 */
public final class SectionValues {
  private SectionValues() {}

  /** An error at {@code key}. */
  public static SectionException error(String key, String message) {
    return new SectionException(key + ": " + message);
  }

  /** A map with string keys, or null when absent. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(String key, Object raw) throws SectionException {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw error(key, "expected a map, got " + describe(raw));
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw error(key, "a key (" + describe(k) + ") is not a string");
      }
    }
    return (Map<String, Object>) m;
  }

  /** A list, or null when absent. */
  @SuppressWarnings("unchecked")
  public static List<Object> list(String key, Object raw) throws SectionException {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof List<?>)) {
      throw error(key, "expected a list, got " + describe(raw));
    }
    return (List<Object>) raw;
  }

  /** Refuses a key of {@code map} that is not in {@code allowed}, naming the ones that are. */
  public static void keys(String key, Map<String, Object> map, Set<String> allowed)
      throws SectionException {
    for (String k : map.keySet()) {
      if (!allowed.contains(k)) {
        throw error(key + "." + k, "unknown key; expected one of " + new TreeSet<>(allowed));
      }
    }
  }

  /** The shape of a value, for errors: never the value itself. */
  public static String describe(Object raw) {
    if (raw instanceof Map) {
      return "a map";
    }
    if (raw instanceof List) {
      return "a list";
    }
    if (raw instanceof String) {
      return "a string";
    }
    if (raw instanceof Boolean) {
      return "true/false";
    }
    if (raw instanceof Number) {
      return "a number";
    }
    return raw == null ? "nothing" : "a " + raw.getClass().getSimpleName();
  }
}
