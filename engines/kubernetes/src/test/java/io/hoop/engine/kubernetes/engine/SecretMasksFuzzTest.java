package io.hoop.engine.kubernetes.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.http.config.ContentDetectors;
import io.hoop.engine.http.config.MaskStyle;
import io.hoop.engine.http.mask.JsonMasker;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.kubernetes.masking.MaskRule;
import io.hoop.engine.kubernetes.masking.SecretMasking;
import io.hoop.engine.kubernetes.request.KubeRequestParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Fuzzes the production masking of Secrets (the streaming masker with {@link SecretMasks}'s plan):
 * a Secret whose data and stringData keys and values, and the last-applied annotation, come from
 * the fuzzer, fed in fuzzed chunk sizes, comes out with every value masked; arbitrary bytes either
 * mask or fail with a {@link JsonMasker.MaskingException}, never another exception.
 */
class SecretMasksFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @FuzzTest(maxDuration = "10s")
  void secretValuesNeverSurvive(FuzzedDataProvider data) throws Exception {
    MaskPlan plan =
        SecretMasks.of(
            SecretMasking.plan(
                KubeRequestParser.parse("GET", "/api/v1/namespaces/default/secrets/db", null),
                null,
                true));
    boolean structured = data.consumeBoolean();
    int chunk = data.consumeInt(1, 64);
    if (!structured) {
      byte[] bytes = data.consumeRemainingAsBytes();
      try {
        run(plan, bytes, chunk);
      } catch (JsonMasker.MaskingException e) {
        assertThat(e.getMessage()).startsWith("the JSON body cannot be masked");
      }
      return;
    }
    ObjectNode secret = JSON.createObjectNode();
    secret.put("kind", "Secret");
    ObjectNode d = secret.putObject("data");
    ObjectNode sd = secret.putObject("stringData");
    int n = data.consumeInt(0, 4);
    for (int i = 0; i < n; i++) {
      d.put(key(data), "SECRET" + data.consumeString(20));
      sd.put(key(data), "SECRET" + data.consumeString(20));
    }
    ObjectNode applied = JSON.createObjectNode();
    applied.putObject("data").put(key(data), "SECRET" + data.consumeString(10));
    secret
        .putObject("metadata")
        .putObject("annotations")
        .put(SecretMasking.LAST_APPLIED, applied.toString() + (data.consumeBoolean() ? "\n" : ""));
    String out = run(plan, JSON.writeValueAsBytes(secret), chunk);
    assertThat(out).doesNotContain("SECRET");
    JsonNode masked = JSON.readTree(out);
    masked.path("data").forEach(v -> assertThat(v.asText()).isEqualTo(MaskRule.BASE64_TEXT));
    masked.path("stringData").forEach(v -> assertThat(v.asText()).isEqualTo(MaskRule.TEXT));
    JsonNode inner =
        JSON.readTree(
            masked.path("metadata").path("annotations").path(SecretMasking.LAST_APPLIED).asText());
    inner.path("data").forEach(v -> assertThat(v.asText()).isEqualTo(MaskRule.BASE64_TEXT));
  }

  @FuzzTest(maxDuration = "10s")
  void detectedConfigMapValuesNeverSurvive(FuzzedDataProvider data) throws Exception {
    MaskPlan plan =
        SecretMasks.of(
            SecretMasking.plan(
                KubeRequestParser.parse("GET", "/api/v1/namespaces/default/configmaps/c", null),
                null,
                true,
                true),
            new ContentDetectors(List.of(BuiltinDetector.EMAIL), MaskStyle.REDACT),
            new byte[32]);
    int chunk = data.consumeInt(1, 64);
    ObjectNode cm = JSON.createObjectNode();
    cm.put("kind", "ConfigMap");
    ObjectNode d = cm.putObject("data");
    ObjectNode b = cm.putObject("binaryData");
    int n = data.consumeInt(0, 4);
    for (int i = 0; i < n; i++) {
      d.put(key(data), data.consumeString(20) + " ada@example.com " + data.consumeString(20));
      b.put(
          key(data),
          Base64.getEncoder()
              .encodeToString(
                  (data.consumeAsciiString(20) + " ada@example.com")
                      .getBytes(StandardCharsets.UTF_8)));
    }
    ObjectNode applied = JSON.createObjectNode();
    applied.putObject("data").put(key(data), "mail ada@example.com " + data.consumeString(10));
    cm.putObject("metadata")
        .putObject("annotations")
        .put(SecretMasking.LAST_APPLIED, applied.toString());
    String out = run(plan, JSON.writeValueAsBytes(cm), chunk);
    assertThat(out).doesNotContain("ada@example.com");
    JsonNode masked = JSON.readTree(out);
    masked
        .path("binaryData")
        .forEach(
            v ->
                assertThat(
                        new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8))
                    .doesNotContain("ada@example.com"));
    assertThat(
            masked.path("metadata").path("annotations").path(SecretMasking.LAST_APPLIED).asText())
        .doesNotContain("ada@example.com");
  }

  @FuzzTest(maxDuration = "5s")
  void theEmbeddedMaskNeverThrowsAndKeepsNoSecretData(FuzzedDataProvider data) {
    String value = data.consumeRemainingAsString();
    String out = SecretMasks.embedded(value);
    assertThat(out).isNotNull();
  }

  /** A fuzzed member name that cannot itself spell the marker. */
  private static String key(FuzzedDataProvider data) {
    return data.consumeString(12).replace('S', 's');
  }

  private static String run(MaskPlan plan, byte[] bytes, int chunk)
      throws JsonMasker.MaskingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonMasker masker = new JsonMasker(plan, out::write);
    for (int i = 0; i < bytes.length; i += chunk) {
      masker.feed(bytes, i, Math.min(chunk, bytes.length - i));
    }
    masker.finish();
    return out.toString(StandardCharsets.UTF_8);
  }
}
