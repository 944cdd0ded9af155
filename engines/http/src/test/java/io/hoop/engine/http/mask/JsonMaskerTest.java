package io.hoop.engine.http.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.detect.BuiltinDetector;
import io.hoop.detect.Detector;
import io.hoop.engine.http.config.MaskRule;
import io.hoop.engine.http.config.MaskStyle;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonMaskerTest {
  private static final byte[] KEY = new byte[32];

  static MaskPlan plan(List<? extends Detector> detectors, MaskRule... rules) {
    return new MaskPlan(List.of(rules), detectors, MaskStyle.REDACT, KEY);
  }

  static MaskRule field(String name, MaskStyle style) {
    return new MaskRule("m", name, null, style);
  }

  static MaskRule pointer(MaskStyle style, String... segments) {
    return new MaskRule("m", null, List.of(segments), style);
  }

  /** Masks {@code json} fed {@code step} bytes at a time. */
  static String mask(MaskPlan plan, String json, int step) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonMasker masker = new JsonMasker(plan, out::write);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += step) {
      masker.feed(bytes, i, Math.min(step, bytes.length - i));
    }
    masker.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void fieldsAtEveryDepthInObjectsAndArrays() throws Exception {
    MaskPlan plan =
        plan(List.of(), field("ssn", MaskStyle.PARTIAL), field("password", MaskStyle.REDACT));
    String json =
        "{\"ssn\":\"111-22-3333\",\"a\":[{\"b\":{\"ssn\":\"444-55-6666\"}},[{\"password\":\"pw\"}]],"
            + "\"c\":{\"d\":{\"e\":{\"password\":12345}}},\"keep\":\"ssn\"}";
    String expected =
        "{\"ssn\":\"*******3333\",\"a\":[{\"b\":{\"ssn\":\"*******6666\"}},[{\"password\":\"****\"}]],"
            + "\"c\":{\"d\":{\"e\":{\"password\":\"****\"}}},\"keep\":\"ssn\"}";
    for (int step : new int[] {1, 2, 3, 7, 64, 100_000}) {
      assertThat(mask(plan, json, step)).as("step " + step).isEqualTo(expected);
    }
  }

  @Test
  void numbersPassAsTheyCameAndIndexPointersMatchOnlyTheirIndex() throws Exception {
    MaskPlan plan =
        plan(
            List.of(),
            field("never", MaskStyle.REDACT),
            pointer(MaskStyle.REDACT, "a", "10"),
            pointer(MaskStyle.REDACT, "a", "01"),
            pointer(MaskStyle.REDACT, "o", "2"));
    String numbers = "[1.0e10,-0,0.1000,12345678901234567890123456789,-1.5E-300,7]";
    String json =
        "{\"n\":"
            + numbers
            + ",\"a\":[0,1,2,3,4,5,6,7,8,9,\"ten\",11],\"o\":{\"2\":\"member two\",\"02\":\"kept\"}}";
    // numbers byte for byte (not through a double or BigDecimal); index 10 masked, "01" matches
    // no index; an object member named "2" matches the pointer segment 2
    String expected =
        "{\"n\":"
            + numbers
            + ",\"a\":[0,1,2,3,4,5,6,7,8,9,\"****\",11],\"o\":{\"2\":\"****\",\"02\":\"kept\"}}";
    for (int step : new int[] {1, 3, 100_000}) {
      assertThat(mask(plan, json, step)).as("step " + step).isEqualTo(expected);
    }
  }

  @Test
  void pointersWithWildcardsAndWholeContainers() throws Exception {
    MaskPlan plan =
        plan(
            List.of(),
            pointer(MaskStyle.REDACT, "items", "*", "card"),
            pointer(MaskStyle.REDACT, "meta", "secret"),
            pointer(MaskStyle.PARTIAL, "items", "1", "name"));
    String json =
        "{\"items\":[{\"card\":\"4111\",\"name\":\"Ada Lovelace\"},{\"card\":{\"n\":[1,2]},\"name\":\"Bob Builder\"}],"
            + "\"meta\":{\"secret\":[{\"x\":1}],\"card\":\"visible\"},\"card\":\"top\"}";
    String out = mask(plan, json, 5);
    assertThat(out)
        .isEqualTo(
            "{\"items\":[{\"card\":\"****\",\"name\":\"Ada Lovelace\"},{\"card\":\"****\",\"name\":\"*******lder\"}],"
                + "\"meta\":{\"secret\":\"****\",\"card\":\"visible\"},\"card\":\"top\"}");
  }

  @Test
  void countsAndKeepsTypesAndNumbersExactly() throws Exception {
    MaskPlan plan = plan(List.of(), field("x", MaskStyle.REDACT));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonMasker masker = new JsonMasker(plan, out::write);
    byte[] in =
        "[{\"x\":1},{\"x\":true},{\"x\":null},{\"y\":1.000000000000000000000001,\"z\":12345678901234567890123}]"
            .getBytes(StandardCharsets.UTF_8);
    masker.feed(in, 0, in.length);
    masker.finish();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "[{\"x\":\"****\"},{\"x\":\"****\"},{\"x\":null},{\"y\":1.000000000000000000000001,\"z\":12345678901234567890123}]");
    assertThat(masker.masked()).isEqualTo(2);
  }

  @Test
  void hashIsKeyedAndStable() throws Exception {
    MaskPlan plan = plan(List.of(), field("n", MaskStyle.HASH));
    String a = mask(plan, "{\"n\":\"4111\"}", 1);
    String b = mask(plan, "{\"n\":\"4111\"}", 3);
    String other =
        mask(
            new MaskPlan(
                List.of(field("n", MaskStyle.HASH)), List.of(), MaskStyle.REDACT, new byte[] {1}),
            "{\"n\":\"4111\"}",
            3);
    assertThat(a).isEqualTo(b).matches("\\{\"n\":\"hash:[0-9a-f]{16}\"}");
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void detectorsMaskStringValuesAnywhere() throws Exception {
    String out =
        mask(
            plan(List.of(BuiltinDetector.EMAIL)),
            "{\"a\":[\"x@y.example\",\"plain\"],\"b\":{\"c\":\"mail q@r.example now\"}}",
            4);
    assertThat(out).isEqualTo("{\"a\":[\"****\",\"plain\"],\"b\":{\"c\":\"mail **** now\"}}");
  }

  @Test
  void detectorsSeeDecodedEscapesAtEveryDepthAndCountEachValue() throws Exception {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      deep.append("{\"n\":[");
    }
    // an escaped @ and a card number split across feeds; a number failing Luhn stays
    deep.append("\"a\\u0040b.example\",\"4111 1111 1111 1111\",\"4111 1111 1111 1112\"");
    for (int i = 0; i < 50; i++) {
      deep.append("]}");
    }
    MaskPlan plan =
        new MaskPlan(
            List.of(),
            List.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD),
            MaskStyle.PARTIAL,
            KEY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonMasker masker = new JsonMasker(plan, out::write);
    byte[] in = deep.toString().getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i += 7) {
      masker.feed(in, i, Math.min(7, in.length - i));
    }
    masker.finish();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("\"*******mple\"")
        .contains("\"***************1111\"")
        .contains("\"4111 1111 1111 1112\"")
        .doesNotContain("a@b")
        .doesNotContain("u0040");
    assertThat(masker.masked()).isEqualTo(2);
  }

  @Test
  void detectorsAlsoReadIntegersAndObjectKeys() throws Exception {
    String out =
        mask(
            plan(List.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD)),
            "{\"byMail\":{\"ada@example.com\":{\"pan\":4111111111111111,\"n\":4111111111111112}}}",
            3);
    assertThat(out).isEqualTo("{\"byMail\":{\"****\":{\"pan\":\"****\",\"n\":4111111111111112}}}");
  }

  @Test
  void aValueTooLongToScanIsMaskedWholeNotRelayed() throws Exception {
    String longValue = "x".repeat(MaskPlan.MAX_SCANNED) + " ada@example.com";
    String out =
        mask(
            plan(List.of(BuiltinDetector.EMAIL)),
            "{\"a\":\"" + longValue + "\",\"b\":\"" + "y".repeat(MaskPlan.MAX_SCANNED) + "\"}",
            4096);
    assertThat(out)
        .isEqualTo("{\"a\":\"****\",\"b\":\"" + "y".repeat(MaskPlan.MAX_SCANNED) + "\"}");
  }

  @Test
  void ndjsonKeepsOneValuePerLine() throws Exception {
    String out = mask(plan(List.of(), field("s", MaskStyle.REDACT)), "{\"s\":1}\n{\"s\":2}\n", 3);
    assertThat(out).isEqualTo("{\"s\":\"****\"}\n{\"s\":\"****\"}");
  }

  @Test
  void malformedOrTruncatedJsonIsRefusedNotPassedThrough() {
    MaskPlan plan = plan(List.of(), field("s", MaskStyle.REDACT));
    for (String bad :
        List.of(
            "{\"s\":", "{\"s\":1", "{\"s\" 1}", "[1,]", "{\"s\":\"unterminated", "}", "{'s':1}")) {
      assertThatThrownBy(() -> mask(plan, bad, 2))
          .as(bad)
          .isInstanceOf(JsonMasker.MaskingException.class)
          .hasMessageStartingWith("the JSON body cannot be masked");
    }
  }

  @Test
  void deepNestingIsRefused() {
    MaskPlan plan = plan(List.of(), field("s", MaskStyle.REDACT));
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThatThrownBy(() -> mask(plan, deep, 4096))
        .isInstanceOf(JsonMasker.MaskingException.class);
  }

  @Test
  void enginePointerMasksRewriteStringsAndReplaceContainersInEveryDocumentOfAStream()
      throws Exception {
    MaskPlan plan =
        MaskPlan.ofPointers(
            List.of(
                new MaskPlan.PointerMask(
                    List.of("object", "data", "*"), v -> v == null ? "WHOLE" : "len" + v.length()),
                new MaskPlan.PointerMask(List.of("object", "data", "*"), v -> "never")));
    assertThat(plan.active()).isTrue();
    String stream =
        "{\"type\":\"ADDED\",\"object\":{\"data\":{\"a\":\"abc\",\"b\":{\"x\":[1]},\"c\":7,\"n\":null}}}\n"
            + "{\"type\":\"MODIFIED\",\"object\":{\"data\":{\"a\":\"abcdef\"},\"keep\":\"abc\"}}\n";
    String expected =
        "{\"type\":\"ADDED\",\"object\":{\"data\":{\"a\":\"len3\",\"b\":\"WHOLE\",\"c\":\"WHOLE\",\"n\":null}}}\n"
            + "{\"type\":\"MODIFIED\",\"object\":{\"data\":{\"a\":\"len6\"},\"keep\":\"abc\"}}";
    for (int step : new int[] {1, 5, 100_000}) {
      assertThat(mask(plan, stream, step)).isEqualTo(expected);
    }
    assertThat(MaskPlan.none().active()).isFalse();
  }
}
