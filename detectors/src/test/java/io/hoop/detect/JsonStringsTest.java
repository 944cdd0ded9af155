package io.hoop.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonStringsTest {

  private static String maskEmails(String json) {
    return JsonStrings.maskEscapedLeaves(
        json, leaf -> BuiltinDetector.EMAIL.find(leaf).isEmpty() ? null : "****");
  }

  @Test
  void escapedLeavesAreDecodedForDetectors() {
    assertThat(maskEmails("{\"e\": \"a\\u0040b.example\", \"n\": 1}"))
        .isEqualTo("{\"e\": \"****\", \"n\": 1}");
    assertThat(maskEmails("[\"x\\\"y\", \"c\\u0040d.example\"]"))
        .isEqualTo("[\"x\\\"y\", \"****\"]");
    // Keys are leaves too.
    assertThat(maskEmails("{\"a\\u0040b.example\": 1}")).isEqualTo("{\"****\": 1}");
  }

  @Test
  void unescapedOrCleanDocumentsAreLeftAlone() {
    assertThat(maskEmails("{\"e\": \"a@b.example\"}")).isNull(); // the raw scan sees it
    assertThat(maskEmails("{\"e\": \"tab\\there\"}")).isNull();
    assertThat(maskEmails("{\"e\": \"unterminated \\u00")).isNull();
    assertThat(maskEmails("\"\\uZZZZ\"")).isNull();
  }

  @Test
  void quoteEscapesWhatJsonNeeds() {
    assertThat(JsonStrings.quote("a\"b\\c\u0001")).isEqualTo("\"a\\\"b\\\\c\\u0001\"");
  }
}
