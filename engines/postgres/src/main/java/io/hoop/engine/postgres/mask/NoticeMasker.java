package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the text fields of an ErrorResponse or NoticeResponse, the channel a failed cast ({@code
 * invalid input syntax for type integer: "123-45-6789"}), a unique violation ({@code Key
 * (email)=(a@b.example) already exists}) or a {@code RAISE} carries data on. Detectors run over
 * every text field. When the target has column rules, the values PostgreSQL quotes in its own
 * message shapes are redacted, and so is everything a PL/pgSQL {@code RAISE} or {@code ASSERT} (or
 * any non-error notice) says when the statement may read ruled data, since its text is the
 * statement's own choice. Pure.
 */
public final class NoticeMasker {
  /** Message, detail, hint, context, internal query: the fields that can carry values. */
  private static final char[] TEXT_FIELDS = {'M', 'D', 'H', 'W', 'q'};

  // The value PostgreSQL echoes: '...: "value"' at the end of a message (invalid input syntax,
  // malformed array literal, invalid input value for enum), 'value "x" is out of range',
  // 'Key (cols)=(values)', 'Failing row contains (...)', 'Token "x" is invalid', 'JSON data, line
  // 1: ...', and raw bytes in encoding errors.
  private static final Pattern[] SHAPES = {
    Pattern.compile("(?s)(: \")(.*)(\"\\s*)$"),
    Pattern.compile("(?s)(\\bvalue \")(.*?)(\" )"),
    Pattern.compile("(?s)(\\bKey \\(.*?\\)=\\()(.*)(\\))"),
    Pattern.compile("(?s)(Failing row contains \\()(.*)(\\))"),
    Pattern.compile("(?s)(Token \")(.*)(\" is invalid)"),
    Pattern.compile("(?s)(JSON data, line [0-9]+: )(.*)()$"),
    Pattern.compile("(?s)(byte sequence )(0x[0-9a-fA-F ]+)()"),
    Pattern.compile("(?s)(: )(0x[0-9a-fA-F ]+)()$"),
  };

  private final MaskingRules rules;
  private final Masks masks;

  /** A masker for {@code rules}. */
  public NoticeMasker(MaskingRules rules) {
    this.rules = requireNonNull(rules, "rules");
    this.masks = new Masks(rules.tokenKey());
  }

  /**
   * The masked fields, or null when nothing changed.
   *
   * @param statementMayReadRuled whether the statement that caused the message may read ruled data
   *     ({@link StatementLineage}); unknown statements count as true
   */
  public Map<Character, String> mask(Map<Character, String> fields, boolean statementMayReadRuled) {
    boolean columnRules = !rules.columns().isEmpty();
    Map<Character, String> out = new LinkedHashMap<>(fields);
    boolean changed = false;
    if (columnRules && statementMayReadRuled && userText(fields)) {
      for (char code : new char[] {'M', 'D', 'H'}) {
        if (out.containsKey(code)) {
          out.put(code, Masks.REDACTED + " (hoop: masked, the statement may read ruled columns)");
          changed = true;
        }
      }
    }
    for (char code : TEXT_FIELDS) {
      String value = out.get(code);
      if (value == null || value.isEmpty()) {
        continue;
      }
      String masked = value;
      if (columnRules && code != 'q') {
        masked = shapes(masked);
      }
      String detected = masks.maskDetected(rules, masked);
      if (detected != null) {
        masked = detected;
      }
      if (!masked.equals(value)) {
        out.put(code, masked);
        changed = true;
      }
    }
    return changed ? out : null;
  }

  /** Whether the text is the statement's own: RAISE, ASSERT, or any non-error notice. */
  private static boolean userText(Map<Character, String> fields) {
    String where = fields.getOrDefault('W', "");
    if (where.contains(" at RAISE") || where.contains(" at ASSERT")) {
      return true;
    }
    String state = fields.getOrDefault('C', "");
    if (state.startsWith("P0")) {
      return true;
    }
    String severity = fields.getOrDefault('V', fields.getOrDefault('S', ""));
    return !severity.equals("ERROR") && !severity.equals("FATAL") && !severity.equals("PANIC");
  }

  private static String shapes(String value) {
    String current = value;
    for (Pattern shape : SHAPES) {
      Matcher m = shape.matcher(current);
      if (!m.find()) {
        continue;
      }
      StringBuilder out = new StringBuilder();
      do {
        m.appendReplacement(
            out, Matcher.quoteReplacement(m.group(1) + Masks.REDACTED + m.group(3)));
      } while (m.find());
      m.appendTail(out);
      current = out.toString();
    }
    return current;
  }
}
