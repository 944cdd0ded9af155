package io.hoop.engine.kubernetes.engine;

import io.hoop.engine.http.config.ContentDetectors;
import io.hoop.engine.http.mask.JsonMasker;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.http.mask.MaskPlan.PointerMask;
import io.hoop.engine.http.mask.ValueMask;
import io.hoop.engine.kubernetes.masking.MaskRule;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
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
    return of(plan, ContentDetectors.none(), new byte[32]);
  }

  /**
   * The streaming plan of {@code plan}, whose ConfigMap rules use {@code detectors}.
   *
   * @param hashKey the key of the {@code hash} style
   */
  public static MaskPlan of(
      io.hoop.engine.kubernetes.masking.MaskPlan plan, ContentDetectors detectors, byte[] hashKey) {
    if (!plan.masks()) {
      return MaskPlan.none();
    }
    MaskPlan detecting =
        MaskPlan.ofPointers(List.of(), detectors.detectors(), detectors.style(), hashKey);
    ValueMask text = value -> value == null ? null : detecting.detectText(value);
    ValueMask base64 = value -> value == null ? null : detectBase64(detecting, value);
    MaskPlan embedded =
        MaskPlan.ofPointers(
            List.of(
                new PointerMask(List.of("data", "*"), text),
                new PointerMask(List.of("binaryData", "*"), base64)));
    List<PointerMask> out = new ArrayList<>();
    for (MaskRule rule : plan.rules()) {
      ValueMask mask =
          switch (rule.replacement()) {
            case BASE64 -> BASE64;
            case STRING -> TEXT;
            case EMBEDDED_SECRET -> EMBEDDED_SECRET;
            case DETECT_TEXT -> text;
            case DETECT_BASE64 -> base64;
            case EMBEDDED_CONFIGMAP -> value -> embeddedConfigMap(embedded, value);
          };
      out.add(new PointerMask(rule.steps(), mask));
    }
    return MaskPlan.ofPointers(out);
  }

  /**
   * A base64 value's decoded text through the detectors, re-encoded; null (kept) when nothing is
   * detected or the bytes are not UTF-8 text; {@value MaskRule#BASE64_TEXT} when it is not base64
   * (fail closed: the API server never sends that).
   */
  static String detectBase64(MaskPlan detecting, String value) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      return MaskRule.BASE64_TEXT;
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    String masked = detecting.detectText(text);
    return masked == null
        ? null
        : Base64.getEncoder().encodeToString(masked.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The applied ConfigMap's values through the detectors, still JSON text; null (kept) when nothing
   * was detected; {@value MaskRule#TEXT} when it does not parse.
   */
  static String embeddedConfigMap(MaskPlan embedded, String value) {
    if (value == null || !value.strip().startsWith("{")) {
      return MaskRule.TEXT;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
    JsonMasker masker = new JsonMasker(embedded, out::write);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    try {
      masker.feed(bytes, 0, bytes.length);
      masker.finish();
    } catch (JsonMasker.MaskingException e) {
      return MaskRule.TEXT;
    }
    return masker.masked() == 0 ? null : out.toString(StandardCharsets.UTF_8);
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
