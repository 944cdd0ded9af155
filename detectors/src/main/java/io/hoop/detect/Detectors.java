package io.hoop.detect;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The config names of the built-in detectors (kebab case, plus the short {@code card}, {@code
 * access-key} and {@code ssn} the postgres section accepts) and the masking of detected spans, for
 * the engines that apply detectors to free text (JSON strings, ConfigMap values, log lines).
 */
public final class Detectors {
  private static final Map<String, BuiltinDetector> ALIASES =
      Map.of(
          "card",
          BuiltinDetector.PAYMENT_CARD,
          "access-key",
          BuiltinDetector.AWS_ACCESS_KEY,
          "ssn",
          BuiltinDetector.US_SSN);

  private Detectors() {}

  /** The built-in named {@code name} in config (an id or a short alias), or null. */
  public static BuiltinDetector builtin(String name) {
    if (name == null) {
      return null;
    }
    BuiltinDetector alias = ALIASES.get(name);
    return alias != null ? alias : BuiltinDetector.byId(name);
  }

  /** Every name {@link #builtin} accepts, sorted, for error messages. */
  public static SortedSet<String> builtinNames() {
    SortedSet<String> names =
        Arrays.stream(BuiltinDetector.values())
            .map(BuiltinDetector::id)
            .collect(Collectors.toCollection(TreeSet::new));
    names.addAll(ALIASES.keySet());
    return names;
  }

  /**
   * {@code text} with every span a detector finds replaced by {@code replace} of the span's text;
   * detectors run one after another over the text the previous ones left.
   *
   * @return the masked text, or null when no detector found anything
   */
  public static String mask(
      String text, List<? extends Detector> detectors, UnaryOperator<String> replace) {
    requireNonNull(text, "text");
    requireNonNull(replace, "replace");
    String current = text;
    boolean changed = false;
    for (Detector detector : requireNonNull(detectors, "detectors")) {
      List<Detector.Span> spans = detector.find(current);
      if (spans.isEmpty()) {
        continue;
      }
      StringBuilder out = new StringBuilder(current.length());
      int last = 0;
      for (Detector.Span span : spans) {
        if (span.start() < last || span.end() > current.length()) {
          continue;
        }
        out.append(current, last, span.start())
            .append(replace.apply(current.substring(span.start(), span.end())));
        last = span.end();
      }
      out.append(current, last, current.length());
      current = out.toString();
      changed = true;
    }
    return changed ? current : null;
  }
}
