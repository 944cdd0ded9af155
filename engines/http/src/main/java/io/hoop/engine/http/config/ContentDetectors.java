package io.hoop.engine.http.config;

import static io.hoop.tunnel.engine.SectionValues.describe;
import static io.hoop.tunnel.engine.SectionValues.error;
import static io.hoop.tunnel.engine.SectionValues.keys;
import static io.hoop.tunnel.engine.SectionValues.list;
import static io.hoop.tunnel.engine.SectionValues.map;
import static java.util.Objects.requireNonNull;

import io.hoop.detect.Detector;
import io.hoop.detect.Detectors;
import io.hoop.detect.PatternDetector;
import io.hoop.detect.Validator;
import io.hoop.tunnel.engine.TargetKind.SectionException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A section's content detectors: {@code detectors:} (built-in names, as the postgres section spells
 * them: {@code email}, {@code card}, {@code iban}, {@code jwt}, {@code ssn}, ...), {@code
 * customDetectors:} (name, RE2 pattern, validator {@code luhn}/{@code mod97}/{@code none}) and
 * {@code detectorStyle:}. Parsed here for the http and kubernetes sections alike; the detectors are
 * the shared {@code io.hoop.detect} ones. Errors name the key.
 *
 * @param detectors in config order, built-ins first, each once
 * @param style how a detected span is rewritten
 */
public record ContentDetectors(List<Detector> detectors, MaskStyle style) {
  /** The section keys this reads. */
  public static final Set<String> KEYS = Set.of("detectors", "customDetectors", "detectorStyle");

  /** Configured detectors per target, so a typo cannot add thousands of regexes. */
  public static final int MAX_CUSTOM = 64;

  private static final Set<String> CUSTOM_KEYS = Set.of("name", "pattern", "validator");

  public ContentDetectors {
    detectors = List.copyOf(requireNonNull(detectors, "detectors"));
    requireNonNull(style, "style");
  }

  /** No detectors. */
  public static ContentDetectors none() {
    return new ContentDetectors(List.of(), MaskStyle.REDACT);
  }

  /** Whether any detector is configured. */
  public boolean active() {
    return !detectors.isEmpty();
  }

  /**
   * Reads {@link #KEYS} of {@code section}, whose key is {@code k} (e.g. {@code targets[2].http}).
   */
  public static ContentDetectors parse(String k, Map<String, Object> section)
      throws SectionException {
    Set<Detector> detectors = new LinkedHashSet<>();
    List<Object> names = list(k + ".detectors", section.get("detectors"));
    if (names != null) {
      for (int i = 0; i < names.size(); i++) {
        String key = k + ".detectors[" + i + "]";
        Object raw = names.get(i);
        Detector d = raw instanceof String s ? Detectors.builtin(s) : null;
        if (d == null) {
          throw error(
              key,
              (raw instanceof String ? "'" + raw + "'" : describe(raw))
                  + " is not a content detector; expected one of "
                  + Detectors.builtinNames()
                  + " (patterns of your own go in customDetectors)");
        }
        detectors.add(d);
      }
    }
    List<Object> custom = list(k + ".customDetectors", section.get("customDetectors"));
    if (custom != null) {
      if (custom.size() > MAX_CUSTOM) {
        throw error(
            k + ".customDetectors", custom.size() + " detectors, expected at most " + MAX_CUSTOM);
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < custom.size(); i++) {
        String ck = k + ".customDetectors[" + i + "]";
        Map<String, Object> c = map(ck, custom.get(i));
        if (c == null) {
          throw error(ck, "missing: name and pattern");
        }
        keys(ck, c, CUSTOM_KEYS);
        String name = string(ck + ".name", c.get("name"), "a name, e.g. employee-id");
        String pattern = string(ck + ".pattern", c.get("pattern"), "an RE2 regular expression");
        Validator validator = Validator.NONE;
        if (c.get("validator") != null) {
          String v = string(ck + ".validator", c.get("validator"), "");
          validator = Validator.byId(v);
          if (validator == null) {
            throw error(
                ck + ".validator", "'" + v + "' is not a validator; expected luhn, mod97 or none");
          }
        }
        if (!seen.add(name)) {
          throw error(ck + ".name", "'" + name + "' names two custom detectors");
        }
        try {
          detectors.add(PatternDetector.compile(name, pattern, validator));
        } catch (IllegalArgumentException e) {
          throw error(
              ck + (e.getMessage().startsWith("name") ? ".name" : ".pattern"), e.getMessage());
        }
      }
    }
    MaskStyle style = MaskStyle.REDACT;
    if (section.get("detectorStyle") != null) {
      String s = string(k + ".detectorStyle", section.get("detectorStyle"), "");
      style = MaskStyle.parse(s);
      if (style == null) {
        throw error(
            k + ".detectorStyle", "'" + s + "' is not a style; expected redact, partial or hash");
      }
    } else if (section.containsKey("detectorStyle")) {
      throw error(k + ".detectorStyle", "missing: redact, partial or hash");
    }
    return new ContentDetectors(new ArrayList<>(detectors), style);
  }

  private static String string(String key, Object raw, String expected) throws SectionException {
    if (raw == null) {
      throw error(key, "missing" + (expected.isEmpty() ? "" : ": " + expected));
    }
    if (!(raw instanceof String s)) {
      throw error(key, "expected a string, got " + describe(raw));
    }
    return s;
  }
}
