package io.hoop.engine.postgres.engine.internal;

import io.hoop.engine.postgres.engine.QueryEvent;
import io.hoop.engine.postgres.mask.TextMasker;
import io.hoop.engine.postgres.message.frontend.Bind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One statement in flight: what it is, when it started, and what it returned so far. */
public final class Recording {
  private final Instant startedAt = Instant.now();
  private final long startNanos = System.nanoTime();
  private final String sql;
  private final List<String> parameters;
  private long rows;
  private int maskedFields;

  /** Starts recording {@code sql} with its (already masked) {@code parameters}, now. */
  public Recording(String sql, List<String> parameters) {
    this.sql = sql;
    this.parameters = parameters;
  }

  /** The statement's text. */
  public String sql() {
    return sql;
  }

  /** Counts one relayed row and the fields masked in it. */
  public void row(int masked) {
    rows++;
    maskedFields += masked;
  }

  /** Counts masked fields that are not rows of their own, e.g. in COPY data. */
  public void masked(int masked) {
    maskedFields += masked;
  }

  /** The event for a statement that completed with {@code tag} (empty for an empty query). */
  public QueryEvent completed(String tag, long tagRows) {
    return event(tagRows >= 0 ? tagRows : rows, tag, false, "", "");
  }

  /** The event for a statement the server refused. */
  public QueryEvent failed(String sqlState, String message) {
    return event(rows, "", false, "", sqlState + " " + message);
  }

  /** The event for a statement a guardrail (or the engine) refused before it ran. */
  public QueryEvent blocked(String rule) {
    return event(0, "", true, rule, "");
  }

  private QueryEvent event(long n, String tag, boolean blocked, String rule, String error) {
    return new QueryEvent(
        startedAt,
        Duration.ofNanos(System.nanoTime() - startNanos),
        sql,
        parameters,
        n,
        tag,
        maskedFields,
        blocked,
        rule,
        error);
  }

  /** Bind's parameters as text for the recording: detectors applied, binary ones summarised. */
  public static List<String> parameters(Bind bind, TextMasker masker) {
    return parameters(bind, masker, List.of());
  }

  /**
   * Bind's parameters as text: detectors applied; binary ones decoded when the Parse declared a
   * type hoop reads (integers, floats, bool, oid, text types, uuid, bytea), else summarised with
   * their type's OID. This is what reviewers of a held statement see.
   *
   * @param types the Parse's declared parameter type OIDs (0 or missing: unspecified)
   */
  public static List<String> parameters(Bind bind, TextMasker masker, List<Integer> types) {
    List<byte[]> values = bind.parameters();
    if (values.isEmpty()) {
      return List.of();
    }
    List<Short> formats = bind.parameterFormats();
    List<String> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      byte[] value = values.get(i);
      short format = formats.isEmpty() ? 0 : formats.size() == 1 ? formats.get(0) : formats.get(i);
      if (value == null) {
        out.add("NULL");
      } else if (format != 0) {
        int type = i < types.size() && types.get(i) != null ? types.get(i) : 0;
        String text = binary(type, value);
        if (text == null) {
          out.add(
              "<binary "
                  + value.length
                  + " bytes"
                  + (type == 0 ? "" : ", type oid " + Integer.toUnsignedString(type))
                  + ">");
        } else {
          String masked = masker == null ? null : masker.mask(text);
          out.add(masked == null ? text : masked);
        }
      } else {
        String text = new String(value, StandardCharsets.UTF_8);
        String masked = masker == null ? null : masker.mask(text);
        out.add(masked == null ? text : masked);
      }
    }
    return out;
  }

  /** A binary value of a type hoop reads, as PostgreSQL's text form; null otherwise. */
  private static String binary(int type, byte[] v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(v);
    return switch (type) {
      case 16 -> v.length == 1 ? (v[0] != 0 ? "t" : "f") : null;
      case 21 -> v.length == 2 ? Short.toString(b.getShort()) : null;
      case 23 -> v.length == 4 ? Integer.toString(b.getInt()) : null;
      case 26 -> v.length == 4 ? Integer.toUnsignedString(b.getInt()) : null;
      case 20 -> v.length == 8 ? Long.toString(b.getLong()) : null;
      case 700 -> v.length == 4 ? Float.toString(b.getFloat()) : null;
      case 701 -> v.length == 8 ? Double.toString(b.getDouble()) : null;
      case 25, 1043, 1042, 19 -> new String(v, StandardCharsets.UTF_8);
      case 2950 -> v.length == 16 ? new java.util.UUID(b.getLong(), b.getLong()).toString() : null;
      case 17 -> "\\x" + java.util.HexFormat.of().formatHex(v);
      default -> null;
    };
  }
}
