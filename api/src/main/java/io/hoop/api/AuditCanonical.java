package io.hoop.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The one canonical encoding of an audit record, shared by the broker (which hashes on append) and
 * {@code hoop audit verify} (which re-hashes offline), so both always agree byte for byte.
 *
 * <p>The encoding is a compact JSON array {@code ["hoop-audit-v1", seq, time, type, principal,
 * target, grantId, task, details, prevHash]}: {@code time} is UTC ISO-8601 with exactly six
 * fractional digits, absent values are {@code null}, {@code details} is canonical JSON (object keys
 * sorted by UTF-16 code units, no whitespace, integers in plain decimal, other numbers as the
 * shortest plain decimal, every character outside printable ASCII escaped as {@code \}{@code
 * uXXXX}). The record hash is the lower-case hex SHA-256 of the encoding's bytes.
 */
public final class AuditCanonical {
  /** The {@code prevHash} of the first record: 64 zeros. */
  public static final String GENESIS_HASH = "0".repeat(64);

  /** Tag in front of every encoding so a future format can never collide with this one. */
  static final String VERSION = "hoop-audit-v1";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();

  private AuditCanonical() {}

  /**
   * The record's time as hashed and exported, e.g. {@code 2025-01-31T10:00:00.123456Z}.
   *
   * @throws IllegalArgumentException if {@code time} has sub-microsecond precision
   */
  public static String time(Instant time) {
    if (time.getNano() % 1000 != 0) {
      throw new IllegalArgumentException(
          "audit time " + time + " has sub-microsecond precision; expected whole microseconds");
    }
    return TIME.format(time);
  }

  /** Truncates an instant to what the audit log stores (microseconds). */
  public static Instant truncate(Instant time) {
    return time.truncatedTo(ChronoUnit.MICROS);
  }

  /** Parses a canonical (or any ISO-8601 instant) time back. */
  public static Instant parseTime(String time) {
    return Instant.parse(time);
  }

  /** Canonical JSON of any value Jackson can serialize (maps, lists, strings, numbers...). */
  public static String json(Object value) {
    return json(value instanceof JsonNode n ? n : Json.mapper().valueToTree(value));
  }

  /** Canonical JSON of a tree; {@code null} encodes as {@code null}. */
  public static String json(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(sb, node == null ? NullNode.getInstance() : node);
    return sb.toString();
  }

  /** The canonical encoding of one record (see the class comment). */
  public static String encode(
      long seq,
      Instant time,
      String type,
      String principal,
      String target,
      String grantId,
      String task,
      JsonNode details,
      String prevHash) {
    StringBuilder sb = new StringBuilder(256);
    sb.append('[');
    string(sb, VERSION);
    sb.append(',').append(seq).append(',');
    string(sb, time(time));
    for (String s : new String[] {type, principal, target, grantId, task}) {
      sb.append(',');
      string(sb, s);
    }
    sb.append(',');
    write(sb, details == null ? NullNode.getInstance() : details);
    sb.append(',');
    string(sb, prevHash);
    return sb.append(']').toString();
  }

  /** The record hash: lower-case hex SHA-256 of {@link #encode}. */
  public static String hash(
      long seq,
      Instant time,
      String type,
      String principal,
      String target,
      String grantId,
      String task,
      JsonNode details,
      String prevHash) {
    return sha256(encode(seq, time, type, principal, target, grantId, task, details, prevHash));
  }

  /** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
  public static String sha256(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HEX.formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** True if {@code s} looks like a hash this class produces: 64 lower-case hex digits. */
  public static boolean isHash(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static void write(StringBuilder sb, JsonNode n) {
    switch (n.getNodeType()) {
      case NULL, MISSING -> sb.append("null");
      case BOOLEAN -> sb.append(n.booleanValue());
      case STRING -> string(sb, n.textValue());
      case NUMBER -> number(sb, n);
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(sb, n.get(i));
        }
        sb.append(']');
      }
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(n.properties());
        fields.sort(Map.Entry.comparingByKey());
        sb.append('{');
        for (int i = 0; i < fields.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          string(sb, fields.get(i).getKey());
          sb.append(':');
          write(sb, fields.get(i).getValue());
        }
        sb.append('}');
      }
      // Binary and POJO nodes never come out of parsing JSON text; encode them as their text so
      // writer and verifier still agree after a round trip.
      default -> string(sb, n.asText());
    }
  }

  private static void number(StringBuilder sb, JsonNode n) {
    if (n.isIntegralNumber()) {
      sb.append(n.bigIntegerValue());
      return;
    }
    double d = n.doubleValue();
    if (n.isDouble() || n.isFloat()) {
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        // JSON has no NaN/Infinity; a string survives the round trip through an export.
        string(sb, n.asText());
        return;
      }
    }
    // "2.0" and "2" must hash alike: after a round trip "2" parses as an integer.
    BigDecimal b = new BigDecimal(n.asText()).stripTrailingZeros();
    sb.append(b.scale() <= 0 ? b.toBigInteger().toString() : b.toPlainString());
  }

  private static void string(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append("\\u").append(HEX.toHexDigits(c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
