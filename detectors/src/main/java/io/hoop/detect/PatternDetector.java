package io.hoop.detect;

import static java.util.Objects.requireNonNull;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector configured by an operator: a regular expression compiled with RE2/J, whose matching
 * time is linear in the text whatever the pattern (no backtracking, so no {@code (a+)+$} stall),
 * and a {@link Validator} each match must pass. Patterns RE2 rejects (back-references,
 * look-arounds), overlong ones and ones that match the empty string are refused at config time.
 */
public final class PatternDetector implements Detector {
  /** Longest pattern accepted, in characters. */
  public static final int MAX_PATTERN_CHARS = 512;

  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final String id;
  private final Pattern pattern;
  private final Validator validator;

  private PatternDetector(String id, Pattern pattern, Validator validator) {
    this.id = id;
    this.pattern = pattern;
    this.validator = validator;
  }

  /**
   * Compiles a configured detector.
   *
   * @throws IllegalArgumentException naming what is wrong with the name or the pattern
   */
  public static PatternDetector compile(String id, String regex, Validator validator) {
    requireNonNull(id, "id");
    requireNonNull(regex, "regex");
    requireNonNull(validator, "validator");
    if (!NAME.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "name '" + id + "' is not 1-63 lower-case letters, digits and dashes");
    }
    if (BuiltinDetector.byId(id) != null) {
      throw new IllegalArgumentException("name '" + id + "' is a built-in detector's name");
    }
    if (regex.isEmpty() || regex.length() > MAX_PATTERN_CHARS) {
      throw new IllegalArgumentException(
          "pattern has " + regex.length() + " characters, expected 1 to " + MAX_PATTERN_CHARS);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "pattern is not an RE2 regular expression (no back-references or look-arounds): "
              + e.getDescription(),
          e);
    }
    if (pattern.matcher("").find()) {
      throw new IllegalArgumentException(
          "pattern matches the empty string, so it would match everywhere");
    }
    return new PatternDetector(id, pattern, validator);
  }

  @Override
  public String id() {
    return id;
  }

  /** The validator each match must pass. */
  public Validator validator() {
    return validator;
  }

  @Override
  public List<Span> find(String text) {
    List<Span> spans = null;
    Matcher m = pattern.matcher(text);
    int from = 0;
    while (from <= text.length() && m.find(from)) {
      int start = m.start();
      int end = m.end();
      if (end == start) {
        // An empty match (e.g. a bare \b) detects nothing; step past it.
        from = end + 1;
        continue;
      }
      if (validator.accepts(text.substring(start, end))) {
        if (spans == null) {
          spans = new ArrayList<>(2);
        }
        spans.add(new Span(start, end));
      }
      from = end;
    }
    return spans == null ? List.of() : spans;
  }

  @Override
  public String toString() {
    return "PatternDetector[" + id + ", " + pattern.pattern() + ", " + validator.id() + "]";
  }
}
