package io.hoop.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditCanonicalTest {
  private static JsonNode tree(String json) throws Exception {
    return Json.mapper().readTree(json);
  }

  @Test
  void objectKeysAreSortedWhateverTheInputOrder() throws Exception {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("zeta", 1);
    a.put("alpha", Map.of("y", true, "b", List.of(3, "x")));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("alpha", Map.of("b", List.of(3, "x"), "y", true));
    b.put("zeta", 1);
    assertThat(AuditCanonical.json(a))
        .isEqualTo(AuditCanonical.json(b))
        .isEqualTo("{\"alpha\":{\"b\":[3,\"x\"],\"y\":true},\"zeta\":1}");
  }

  @Test
  void unicodeAndControlCharactersAreEscapedTheSameAfterARoundTrip() throws Exception {
    Map<String, Object> d = Map.of("name", "Zoë \uD83D\uDE80 \"q\" \\ \n\t");
    String canonical = AuditCanonical.json(d);
    assertThat(canonical)
        .isEqualTo("{\"name\":\"Zo\\u00eb \\ud83d\\ude80 \\\"q\\\" \\\\ \\u000a\\u0009\"}");
    assertThat(canonical).matches("[\\x20-\\x7e]*");
    assertThat(AuditCanonical.json(tree(Json.mapper().writeValueAsString(d)))).isEqualTo(canonical);
    assertThat(AuditCanonical.json(tree(canonical))).isEqualTo(canonical);
  }

  @Test
  void nullsAreExplicit() throws Exception {
    assertThat(AuditCanonical.json(tree("{\"b\":null,\"a\":[null]}")))
        .isEqualTo("{\"a\":[null],\"b\":null}");
    assertThat(AuditCanonical.json((JsonNode) null)).isEqualTo("null");
    String e =
        AuditCanonical.encode(
            7, Instant.parse("2025-01-02T03:04:05Z"), "login", null, null, null, null, null, "ab");
    assertThat(e)
        .isEqualTo(
            "[\"hoop-audit-v1\",7,\"2025-01-02T03:04:05.000000Z\",\"login\",null,null,null,null,"
                + "null,\"ab\"]");
    assertThat(
            AuditCanonical.hash(
                7,
                Instant.parse("2025-01-02T03:04:05Z"),
                "login",
                null,
                null,
                null,
                null,
                null,
                "ab"))
        .isNotEqualTo(
            AuditCanonical.hash(
                7,
                Instant.parse("2025-01-02T03:04:05Z"),
                "login",
                "",
                null,
                null,
                null,
                null,
                "ab"));
  }

  @Test
  void numbersKeepTheirValueAcrossARoundTrip() throws Exception {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("int", 42);
    d.put("long", 9_000_000_000L);
    d.put("double", 1.5);
    d.put("whole", 2.0);
    d.put("big", 1e20);
    d.put("float", 1.1f);
    String canonical = AuditCanonical.json(d);
    assertThat(canonical)
        .isEqualTo(
            "{\"big\":100000000000000000000,\"double\":1.5,\"float\":1.1,\"int\":42,"
                + "\"long\":9000000000,\"whole\":2}");
    assertThat(AuditCanonical.json(tree(canonical))).isEqualTo(canonical);
    assertThat(AuditCanonical.json(tree(Json.mapper().writeValueAsString(d)))).isEqualTo(canonical);
  }

  @Test
  void timeHasExactlySixFractionalDigitsInUtc() {
    assertThat(AuditCanonical.time(Instant.parse("2025-01-02T03:04:05.120Z")))
        .isEqualTo("2025-01-02T03:04:05.120000Z");
    assertThat(AuditCanonical.time(Instant.parse("2025-01-02T03:04:05.123456Z")))
        .isEqualTo("2025-01-02T03:04:05.123456Z");
    assertThatThrownBy(() -> AuditCanonical.time(Instant.parse("2025-01-02T03:04:05.1234567Z")))
        .hasMessageContaining("sub-microsecond");
    assertThat(AuditCanonical.truncate(Instant.parse("2025-01-02T03:04:05.1234567Z")))
        .isEqualTo(Instant.parse("2025-01-02T03:04:05.123456Z"));
  }

  @Test
  void everyFieldChangesTheHash() throws Exception {
    Instant t = Instant.parse("2025-01-02T03:04:05Z");
    JsonNode d = tree("{\"k\":\"v\"}");
    String base =
        AuditCanonical.hash(1, t, "ty", "p", "t", "g", "k", d, AuditCanonical.GENESIS_HASH);
    assertThat(base).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(AuditCanonical.isHash(base)).isTrue();
    List<String> variants =
        List.of(
            AuditCanonical.hash(2, t, "ty", "p", "t", "g", "k", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(
                1, t.plusNanos(1000), "ty", "p", "t", "g", "k", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(1, t, "tz", "p", "t", "g", "k", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(1, t, "ty", "q", "t", "g", "k", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(1, t, "ty", "p", "u", "g", "k", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(1, t, "ty", "p", "t", "h", "k", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(1, t, "ty", "p", "t", "g", "l", d, AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(
                1, t, "ty", "p", "t", "g", "k", tree("{\"k\":\"w\"}"), AuditCanonical.GENESIS_HASH),
            AuditCanonical.hash(1, t, "ty", "p", "t", "g", "k", d, "1".repeat(64)));
    assertThat(variants).doesNotContain(base).doesNotHaveDuplicates();
  }

  @Test
  void recordRoundTripsThroughJsonWithTheSameHash() throws Exception {
    Instant t = Instant.parse("2025-01-02T03:04:05.000007Z");
    JsonNode d = Json.mapper().valueToTree(Map.of("groups", List.of("é", "b"), "n", 3));
    String h = AuditCanonical.hash(5, t, "login", "alice", null, null, null, d, "a".repeat(64));
    AuditRecord r =
        new AuditRecord(
            5, AuditCanonical.time(t), "login", "alice", null, null, null, d, "a".repeat(64), h);
    AuditRecord back =
        Json.mapper().readValue(Json.mapper().writeValueAsString(r), AuditRecord.class);
    assertThat(back.computeHash()).isEqualTo(h);
    assertThat(back).isEqualTo(r);
  }
}
