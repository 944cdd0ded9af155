package io.hoop.engine.http.mask;

import static java.util.Objects.requireNonNull;

import io.hoop.detect.Detector;
import io.hoop.detect.Detectors;
import io.hoop.engine.http.config.MaskRule;
import io.hoop.engine.http.config.MaskStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The masking of one target's JSON responses: which locations are masked and how, compiled from its
 * rules, plus the content detectors its string values go through. Pure and immutable; one {@link
 * JsonMasker} per response applies it.
 */
public final class MaskPlan {
  /**
   * Longest string the content detectors scan, in characters: a longer one is masked whole (fail
   * closed), because the e-mail detector's cost grows with the square of a long token's length.
   */
  public static final int MAX_SCANNED = 16 * 1024;

  private final Map<String, MaskStyle> fields;
  private final List<MaskRule> pointers;
  private final List<Pointer> compiledPointers;
  private final List<Pointer> compiledCustom;
  private final List<Detector> detectors;
  private final MaskStyle detectorStyle;
  private final byte[] hashKey;
  private final List<PointerMask> custom;
  private final boolean lines;

  /**
   * @param hashKey the key of {@link MaskStyle#HASH}, the same for every response of the broker
   */
  public MaskPlan(
      List<MaskRule> rules,
      List<? extends Detector> detectors,
      MaskStyle detectorStyle,
      byte[] hashKey) {
    Map<String, MaskStyle> f = new HashMap<>();
    List<MaskRule> p = new ArrayList<>();
    for (MaskRule rule : requireNonNull(rules, "rules")) {
      if (rule.field() != null) {
        f.putIfAbsent(rule.field(), rule.style());
      } else {
        p.add(rule);
      }
    }
    this.fields = Map.copyOf(f);
    this.pointers = List.copyOf(p);
    this.detectors = List.copyOf(requireNonNull(detectors, "detectors"));
    this.detectorStyle = requireNonNull(detectorStyle, "detectorStyle");
    this.hashKey = requireNonNull(hashKey, "hashKey").clone();
    this.custom = List.of();
    this.lines = false;
    this.compiledPointers = pointers.stream().map(r -> Pointer.of(r.pointer())).toList();
    this.compiledCustom = List.of();
  }

  private MaskPlan(
      List<PointerMask> custom,
      List<? extends Detector> detectors,
      MaskStyle detectorStyle,
      byte[] hashKey,
      boolean lines) {
    this.fields = Map.of();
    this.pointers = List.of();
    this.detectors = List.copyOf(detectors);
    this.detectorStyle = detectorStyle;
    this.hashKey = hashKey.clone();
    this.custom = List.copyOf(custom);
    this.lines = lines;
    this.compiledPointers = List.of();
    this.compiledCustom = this.custom.stream().map(c -> Pointer.of(c.pointer())).toList();
  }

  /**
   * A plan for text read line by line ({@link LineMasker}: a pod's log): every line goes through
   * {@code detectors}, detected spans rewritten in {@code style}. Inactive without detectors.
   */
  public static MaskPlan ofLines(
      List<? extends Detector> detectors, MaskStyle style, byte[] hashKey) {
    return new MaskPlan(
        List.of(),
        requireNonNull(detectors, "detectors"),
        requireNonNull(style, "style"),
        requireNonNull(hashKey, "hashKey"),
        true);
  }

  /** Whether the body is text masked line by line (any content type) rather than JSON. */
  public boolean lines() {
    return lines;
  }

  /**
   * A plan of pointers whose values an engine rewrites itself, tried in order (the first match
   * rewrites).
   */
  public static MaskPlan ofPointers(List<PointerMask> pointers) {
    return ofPointers(pointers, List.of(), MaskStyle.REDACT, new byte[32]);
  }

  /**
   * A plan of pointers as {@link #ofPointers(List)}, whose rewrites may also use {@link
   * #detectText}: the content detectors in {@code style}.
   */
  public static MaskPlan ofPointers(
      List<PointerMask> pointers,
      List<? extends Detector> detectors,
      MaskStyle style,
      byte[] hashKey) {
    return new MaskPlan(
        requireNonNull(pointers, "pointers"),
        requireNonNull(detectors, "detectors"),
        requireNonNull(style, "style"),
        requireNonNull(hashKey, "hashKey"),
        false);
  }

  /** No masking: answers are relayed as they are. */
  public static MaskPlan none() {
    return ofPointers(List.of());
  }

  /**
   * A location and its rewrite.
   *
   * @param pointer the segments from the root; {@code *} is any one member name or array index
   */
  public record PointerMask(List<String> pointer, ValueMask mask) {
    public PointerMask {
      pointer = List.copyOf(requireNonNull(pointer, "pointer"));
      requireNonNull(mask, "mask");
    }
  }

  /** Whether responses need masking at all (else they are relayed as they are). */
  public boolean active() {
    if (lines) {
      return !detectors.isEmpty();
    }
    return !fields.isEmpty() || !pointers.isEmpty() || !detectors.isEmpty() || !custom.isEmpty();
  }

  /**
   * Where a value sits, read in place by {@link JsonMasker}: one level per enclosing container,
   * each an array index or a member name.
   */
  interface Location {
    int size();

    boolean isIndex(int level);

    int index(int level);

    String name(int level);
  }

  /** A pointer's segments, each with its array index when it is one ({@code -1} otherwise). */
  private record Pointer(String[] names, int[] indexes) {
    static Pointer of(List<String> segments) {
      String[] n = segments.toArray(String[]::new);
      int[] ix = new int[n.length];
      for (int i = 0; i < n.length; i++) {
        ix[i] = arrayIndex(n[i]);
      }
      return new Pointer(n, ix);
    }

    /** The decimal an index is written as ({@code 0}, {@code 12}; not {@code 012}), or -1. */
    private static int arrayIndex(String s) {
      if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
        return -1;
      }
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < '0' || s.charAt(i) > '9') {
          return -1;
        }
      }
      return Integer.parseInt(s);
    }

    boolean matches(Location at) {
      if (names.length != at.size()) {
        return false;
      }
      for (int i = 0; i < names.length; i++) {
        String s = names[i];
        if (s.equals("*")) {
          continue;
        }
        if (at.isIndex(i) ? indexes[i] != at.index(i) : !s.equals(at.name(i))) {
          return false;
        }
      }
      return true;
    }
  }

  /** Whether any rule depends on where a value is (else only member names and detectors count). */
  boolean hasLocationRules() {
    return !fields.isEmpty() || !pointers.isEmpty() || !custom.isEmpty();
  }

  /** The engine-defined rewrite of the value at {@code at}, or null when none applies. */
  ValueMask customAt(Location at) {
    for (int i = 0; i < compiledCustom.size(); i++) {
      if (compiledCustom.get(i).matches(at)) {
        return custom.get(i).mask();
      }
    }
    return null;
  }

  /**
   * The style for the value at {@code at}, whose own name is {@code field} (null in an array), or
   * null when it is not masked by a rule. Field rules come first, then pointers in config order.
   */
  MaskStyle styleAt(Location at, String field) {
    if (field != null) {
      MaskStyle style = fields.get(field);
      if (style != null) {
        return style;
      }
    }
    for (int i = 0; i < compiledPointers.size(); i++) {
      if (compiledPointers.get(i).matches(at)) {
        return pointers.get(i).style();
      }
    }
    return null;
  }

  /**
   * A string value no rule masks with every span a detector finds rewritten in the detectors' style
   * (the rest of the value kept), or null when no detector finds anything; a value longer than
   * {@link #MAX_SCANNED} is rewritten whole.
   */
  String detect(String value, Masks masks) {
    if (detectors.isEmpty() || !custom.isEmpty()) {
      // an engine's pointer plan uses its detectors only through detectText
      return null;
    }
    if (value.length() > MAX_SCANNED) {
      return masks.apply(detectorStyle, value);
    }
    return Detectors.mask(value, detectors, span -> masks.apply(detectorStyle, span));
  }

  /**
   * {@code text} with the content detectors' spans rewritten, or null when nothing is detected: for
   * an engine's {@link ValueMask} over free text (a ConfigMap value). Thread-safe.
   */
  public String detectText(String text) {
    if (detectors.isEmpty()) {
      return null;
    }
    Masks masks = new Masks(hashKey);
    if (text.length() > MAX_SCANNED) {
      return masks.apply(detectorStyle, text);
    }
    return Detectors.mask(text, detectors, span -> masks.apply(detectorStyle, span));
  }

  /** Whether content detectors run on the string values. */
  public boolean detects() {
    return !detectors.isEmpty();
  }

  byte[] hashKey() {
    return hashKey.clone();
  }
}
