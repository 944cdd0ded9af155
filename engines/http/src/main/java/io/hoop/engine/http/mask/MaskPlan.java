package io.hoop.engine.http.mask;

import static java.util.Objects.requireNonNull;

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
  private final Map<String, MaskStyle> fields;
  private final List<MaskRule> pointers;
  private final List<ContentDetector> detectors;
  private final MaskStyle detectorStyle;
  private final byte[] hashKey;

  /**
   * @param hashKey the key of {@link MaskStyle#HASH}, the same for every response of the broker
   */
  public MaskPlan(
      List<MaskRule> rules,
      List<ContentDetector> detectors,
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
  }

  /** Whether responses need masking at all (else they are relayed as they are). */
  public boolean active() {
    return !fields.isEmpty() || !pointers.isEmpty() || !detectors.isEmpty();
  }

  /**
   * The style for the value at {@code path} (segments from the root; an array index as its
   * decimal), whose own name is {@code field} (null in an array), or null when it is not masked by
   * a rule. Field rules come first, then pointers in config order.
   */
  MaskStyle styleAt(List<String> path, String field) {
    if (field != null) {
      MaskStyle style = fields.get(field);
      if (style != null) {
        return style;
      }
    }
    for (MaskRule rule : pointers) {
      List<String> pointer = rule.pointer();
      if (pointer.size() != path.size()) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < pointer.size() && match; i++) {
        String s = pointer.get(i);
        match = s.equals("*") || s.equals(path.get(i));
      }
      if (match) {
        return rule.style();
      }
    }
    return null;
  }

  /** The style for a string value no rule masks: the detectors' when one detects it, else null. */
  MaskStyle detect(String value) {
    for (ContentDetector detector : detectors) {
      if (detector.detects(value)) {
        return detectorStyle;
      }
    }
    return null;
  }

  byte[] hashKey() {
    return hashKey.clone();
  }
}
