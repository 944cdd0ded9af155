package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

import io.hoop.detect.JsonStrings;
import io.hoop.engine.postgres.internal.Glob;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.RowDescription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Masks the DataRows of one result set, prepared from its RowDescription: columns whose table
 * column matches a rule are masked whole, every other text-like value is scanned by the detectors.
 * Pure: the column names come from the injected {@link ColumnResolver}.
 */
public final class RowMasker {
  /** A row after masking, with how many of its fields were changed. */
  public record MaskedRow(DataRow row, int maskedFields) {}

  private enum Kind {
    TEXT,
    JSON,
    JSONB,
    BYTEA,
    OTHER
  }

  private static final HexFormat HEX = HexFormat.of();

  private final MaskingRules rules;
  private final Masks masks;
  private final List<RowDescription.Column> columns;
  private final List<MaskStyle> columnStyles = new ArrayList<>();
  private final boolean passThrough;
  private final String unknownColumn;

  private RowMasker(
      RowDescription description,
      MaskingRules rules,
      ColumnResolver resolver,
      boolean statementMayReadRuled,
      ResultLineage lineage) {
    this.rules = rules;
    this.masks = new Masks(rules.tokenKey());
    this.columns = description.columns();
    String unknown = null;
    for (int i = 0; i < columns.size(); i++) {
      RowDescription.Column c = columns.get(i);
      // A whole-row value (column number 0: select t from customers t) holds every column.
      boolean computed = c.tableOid() == 0 || c.columnNumber() <= 0;
      String name = computed ? null : resolver.resolve(c.tableOid(), c.columnNumber());
      // The planner's lineage decides computed columns, and every column of a statement that
      // writes (what it returns from a table may be what it just copied there).
      ResultLineage.Column planned =
          lineage != null && (computed || lineage.writes()) ? lineage.column(i) : null;
      boolean unknownLineage =
          (computed && statementMayReadRuled && lineage == null)
              || (planned != null && planned.unknown())
              || ColumnResolver.DERIVED.equals(name);
      if (unknownLineage && unknown == null) {
        unknown = c.name();
      }
      MaskStyle style =
          unknownLineage || ColumnResolver.UNRESOLVED.equals(name)
              ? MaskStyle.REDACT
              : name == null ? null : styleFor(name);
      if (style == null && planned != null) {
        style = planned.style();
      }
      columnStyles.add(style);
    }
    this.unknownColumn = unknown;
    this.passThrough =
        rules.detectors().isEmpty() && columnStyles.stream().allMatch(s -> s == null);
  }

  /** Prepares masking for the rows described by {@code description}. */
  public static RowMasker create(
      RowDescription description, MaskingRules rules, ColumnResolver resolver) {
    return create(description, rules, resolver, false);
  }

  /**
   * Prepares masking for the rows described by {@code description} of a statement that may read
   * ruled data ({@link StatementLineage}) or not: if it may, its computed columns (no table OID)
   * are of unknown lineage and get {@link MaskStyle#REDACT}, or the result is refused (see {@link
   * #refusedColumn}).
   */
  public static RowMasker create(
      RowDescription description,
      MaskingRules rules,
      ColumnResolver resolver,
      boolean statementMayReadRuled) {
    requireNonNull(description, "description");
    requireNonNull(rules, "rules");
    requireNonNull(resolver, "resolver");
    return new RowMasker(description, rules, resolver, statementMayReadRuled, null);
  }

  /**
   * Prepares masking with the planner's per-column {@code lineage} of the statement (see {@link
   * PlanLineage}); without it (null), as {@link #create(RowDescription, MaskingRules,
   * ColumnResolver, boolean)}: every computed column of a statement that may read ruled data is of
   * unknown lineage.
   */
  public static RowMasker create(
      RowDescription description,
      MaskingRules rules,
      ColumnResolver resolver,
      boolean statementMayReadRuled,
      ResultLineage lineage) {
    requireNonNull(description, "description");
    requireNonNull(rules, "rules");
    requireNonNull(resolver, "resolver");
    return new RowMasker(description, rules, resolver, statementMayReadRuled, lineage);
  }

  /**
   * The name of the first column of unknown lineage when the rules say {@link
   * UnknownLineage#REFUSE}: its rows must not be sent; null otherwise.
   */
  public String refusedColumn() {
    return rules.onUnknownLineage() == UnknownLineage.REFUSE ? unknownColumn : null;
  }

  /** Whether no column rule applies and no detector is on, so rows can pass untouched. */
  public boolean passThrough() {
    return passThrough;
  }

  /** Masks one row; fields beyond the description are treated as text. */
  public MaskedRow mask(DataRow row) {
    List<byte[]> fields = row.fields();
    List<byte[]> out = null;
    int masked = 0;
    for (int i = 0; i < fields.size(); i++) {
      byte[] value = fields.get(i);
      if (value == null) {
        continue;
      }
      RowDescription.Column column = i < columns.size() ? columns.get(i) : null;
      MaskStyle style = i < columnStyles.size() ? columnStyles.get(i) : null;
      byte[] replacement = maskField(column, style, value);
      if (replacement != value) {
        if (out == null) {
          out = new ArrayList<>(fields);
        }
        out.set(i, replacement);
        masked++;
      }
    }
    return new MaskedRow(out == null ? row : new DataRow(out), masked);
  }

  /** Returns {@code value} itself when nothing is masked. */
  private byte[] maskField(RowDescription.Column column, MaskStyle style, byte[] value) {
    boolean binary = column != null && column.binary();
    Kind kind = column == null ? Kind.TEXT : kind(column.typeOid());
    if (binary && kind == Kind.OTHER) {
      // A masked string cannot be written as a binary integer or timestamp: send NULL instead.
      return style == null ? value : null;
    }
    String text = text(kind, binary, value);
    if (text == null) {
      return value;
    }
    String masked;
    if (style != null) {
      masked = masks.apply(style, text);
      if (kind == Kind.JSON || kind == Kind.JSONB) {
        masked = "\"" + masked + "\"";
      }
    } else {
      masked = masks.maskDetected(rules, text);
      if ((kind == Kind.JSON || kind == Kind.JSONB) && text.indexOf('\\') >= 0) {
        // Escaped leaves (a\u0040b.example) are decoded so detectors see them.
        String leaves =
            JsonStrings.maskEscapedLeaves(
                masked == null ? text : masked, leaf -> masks.maskDetected(rules, leaf));
        masked = leaves == null ? masked : leaves;
      }
      if (masked == null) {
        return value;
      }
    }
    return bytes(kind, binary, masked);
  }

  private static String text(Kind kind, boolean binary, byte[] value) {
    if (kind == Kind.BYTEA && !binary) {
      String s = new String(value, StandardCharsets.UTF_8);
      if (s.startsWith("\\x") && s.length() % 2 == 0) {
        try {
          return new String(HEX.parseHex(s, 2, s.length()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return s;
        }
      }
      return s;
    }
    if (kind == Kind.JSONB && binary) {
      return value.length == 0
          ? null
          : new String(value, 1, value.length - 1, StandardCharsets.UTF_8);
    }
    return new String(value, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Kind kind, boolean binary, String masked) {
    byte[] utf8 = masked.getBytes(StandardCharsets.UTF_8);
    if (kind == Kind.BYTEA && !binary) {
      return ("\\x" + HEX.formatHex(utf8)).getBytes(StandardCharsets.US_ASCII);
    }
    if (kind == Kind.JSONB && binary) {
      byte[] out = new byte[utf8.length + 1];
      out[0] = 1; // jsonb binary format version
      System.arraycopy(utf8, 0, out, 1, utf8.length);
      return out;
    }
    return utf8;
  }

  private MaskStyle styleFor(String qualifiedColumn) {
    for (MaskRule rule : rules.columns()) {
      if (Glob.matches(rule.columnGlob(), qualifiedColumn)) {
        return rule.style();
      }
    }
    return null;
  }

  private static Kind kind(int typeOid) {
    return switch (typeOid) {
      case 25, 1043, 1042, 19, 18, 705, 142 ->
          Kind.TEXT; // text varchar bpchar name char unknown xml
      case 114 -> Kind.JSON;
      case 3802 -> Kind.JSONB;
      case 17 -> Kind.BYTEA;
      default -> Kind.OTHER;
    };
  }
}
