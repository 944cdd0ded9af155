package io.hoop.engine.kubernetes.engine;

import io.hoop.engine.http.mask.JsonMasker;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.http.mask.MaskPlan.PointerMask;
import io.hoop.engine.http.mask.ValueMask;
import io.hoop.engine.kubernetes.masking.MaskRule;
import io.hoop.engine.kubernetes.masking.MaskRule.Replacement;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kubernetes mask plan ({@link io.hoop.engine.kubernetes.masking.MaskPlan}) as the http proxy's
 * streaming {@link MaskPlan}: each pointer with the rewrite its replacement names. The {@code
 * last-applied-configuration} annotation is masked inside by a nested streaming masker over the
 * annotation's text (bounded by the size of one JSON string).
 */
public final class SecretMasks {
  private static final ValueMask BASE64 = value -> MaskRule.BASE64_TEXT;
  private static final ValueMask TEXT = value -> MaskRule.TEXT;
  private static final MaskPlan EMBEDDED =
      MaskPlan.ofPointers(
          List.of(
              new PointerMask(List.of("data", "*"), BASE64),
              new PointerMask(List.of("stringData", "*"), TEXT)));
  private static final ValueMask EMBEDDED_SECRET = SecretMasks::embedded;

  private SecretMasks() {}

  /** The streaming plan of {@code plan}. */
  public static MaskPlan of(io.hoop.engine.kubernetes.masking.MaskPlan plan) {
    if (!plan.masks()) {
      return MaskPlan.none();
    }
    List<PointerMask> out = new ArrayList<>();
    for (MaskRule rule : plan.rules()) {
      out.add(new PointerMask(rule.steps(), mask(rule.replacement())));
    }
    return MaskPlan.ofPointers(out);
  }

  private static ValueMask mask(Replacement r) {
    return switch (r) {
      case BASE64 -> BASE64;
      case STRING -> TEXT;
      case EMBEDDED_SECRET -> EMBEDDED_SECRET;
    };
  }

  /** The applied object's secrets masked, still JSON text; {@value MaskRule#TEXT} otherwise. */
  static String embedded(String value) {
    if (value == null || !value.strip().startsWith("{")) {
      return MaskRule.TEXT;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    JsonMasker masker = new JsonMasker(EMBEDDED, out::write);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    try {
      masker.feed(bytes, 0, bytes.length);
      masker.finish();
    } catch (JsonMasker.MaskingException e) {
      return MaskRule.TEXT;
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
