package io.hoop.engine.postgres.mask;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.postgres.codec.Wires;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.RowDescription;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowMaskerTest {
  private static final int USERS = 16384;
  private static final byte[] KEY = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
  private static final Map<Integer, String> COLUMNS =
      Map.of(
          1,
          "public.users.id",
          2,
          "public.users.email",
          3,
          "public.users.ssn",
          4,
          "public.users.card");
  private static final ColumnResolver RESOLVER =
      (oid, attnum) -> oid == USERS ? COLUMNS.get(attnum) : null;
  private static final MaskingRules RULES =
      new MaskingRules(
          List.of(
              new MaskRule("public.users.email", MaskStyle.TOKEN),
              new MaskRule("*.users.ssn", MaskStyle.PARTIAL),
              new MaskRule("public.users.card", MaskStyle.REDACT)),
          Set.copyOf(EnumSet.allOf(BuiltinDetector.class)),
          MaskStyle.REDACT,
          KEY);

  private static RowDescription.Column col(
      String alias, int oid, int attnum, int type, int format) {
    return new RowDescription.Column(
        alias, oid, (short) attnum, type, (short) -1, -1, (short) format);
  }

  private static DataRow row(String... values) {
    return new DataRow(
        Arrays.stream(values)
            .map(v -> v == null ? null : v.getBytes(StandardCharsets.UTF_8))
            .toList());
  }

  private static String field(DataRow row, int i) {
    byte[] b = row.fields().get(i);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void columnRulesFollowTheTableColumnNotTheAlias() {
    RowDescription desc =
        new RowDescription(
            List.of(
                col("id", USERS, 1, 23, 0),
                col("contact", USERS, 2, 25, 0),
                col("x", USERS, 3, 1043, 0),
                col("c", USERS, 4, 25, 0)));
    RowMasker masker = RowMasker.create(desc, RULES, RESOLVER);
    RowMasker.MaskedRow masked = masker.mask(row("7", "alice@example.com", "123-45-6789", "x"));
    assertThat(field(masked.row(), 0)).isEqualTo("7");
    assertThat(field(masked.row(), 1)).startsWith("tok_").hasSize(20);
    assertThat(field(masked.row(), 2)).isEqualTo("*******6789");
    assertThat(field(masked.row(), 3)).isEqualTo("****");
    assertThat(masked.maskedFields()).isEqualTo(3);
    // Deterministic: the same value gives the same token, so joins still work.
    assertThat(field(masker.mask(row("8", "alice@example.com", null, null)).row(), 1))
        .isEqualTo(field(masked.row(), 1));
    assertThat(masker.mask(row("8", "bob@example.com", null, null)).row().fields().get(1))
        .isNotEqualTo(masked.row().fields().get(1));
  }

  @Test
  void detectorsMaskComputedColumns() {
    RowDescription desc = new RowDescription(List.of(col("upper", 0, 0, 25, 0)));
    RowMasker masker = RowMasker.create(desc, RULES, RESOLVER);
    assertThat(field(masker.mask(row("MAIL ALICE@EXAMPLE.COM NOW")).row(), 0))
        .isEqualTo("MAIL **** NOW");
    assertThat(field(masker.mask(row("card 4111 1111 1111 1111")).row(), 0)).isEqualTo("card ****");
    assertThat(masker.mask(row("card 4111 1111 1111 1112")).maskedFields()).isZero(); // bad Luhn
    assertThat(field(masker.mask(row("iban DE89 3704 0044 0532 0130 00")).row(), 0))
        .isEqualTo("iban ****");
    assertThat(masker.mask(row("DE89370400440532013001")).maskedFields()).isZero(); // bad mod-97
    assertThat(field(masker.mask(row("call +49 30 1234 5678")).row(), 0)).isEqualTo("call ****");
    assertThat(masker.mask(row("2024-01-15 12:30")).maskedFields()).isZero();
    assertThat(field(masker.mask(row("key AKIAIOSFODNN7EXAMPLE")).row(), 0)).isEqualTo("key ****");
    assertThat(
            field(
                masker.mask(row("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-_abc")).row(), 0))
        .isEqualTo("Bearer ****");
    assertThat(
            field(
                masker
                    .mask(
                        row(
                            "x -----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY----- y"))
                    .row(),
                0))
        .isEqualTo("x **** y");
    assertThat(field(masker.mask(row("-----BEGIN PRIVATE KEY-----\nMIIE truncated")).row(), 0))
        .isEqualTo("****");
    RowMasker.MaskedRow untouched = masker.mask(row("nothing to see"));
    assertThat(untouched.maskedFields()).isZero();
  }

  @Test
  void byteaAndBinaryFormatsAreMasked() {
    RowDescription desc =
        new RowDescription(
            List.of(
                col("b", 0, 0, 17, 0),
                col("bb", 0, 0, 17, 1),
                col("t", USERS, 3, 25, 1),
                col("n", USERS, 4, 23, 1),
                col("j", 0, 0, 3802, 1)));
    RowMasker masker = RowMasker.create(desc, RULES, RESOLVER);
    String hex = "\\x" + java.util.HexFormat.of().formatHex("bob@example.com".getBytes());
    byte[] jsonb = ("\u0001{\"e\": \"bob@example.com\"}").getBytes(StandardCharsets.UTF_8);
    DataRow in =
        new DataRow(
            Arrays.asList(
                hex.getBytes(),
                "bob@example.com".getBytes(),
                "123456789".getBytes(),
                new byte[] {0, 0, 0, 42},
                jsonb));
    RowMasker.MaskedRow masked = masker.mask(in);
    assertThat(field(masked.row(), 0)).isEqualTo("\\x2a2a2a2a");
    assertThat(field(masked.row(), 1)).isEqualTo("****");
    assertThat(field(masked.row(), 2)).isEqualTo("*****6789");
    assertThat(masked.row().fields().get(3)).isNull(); // binary int4 cannot hold a mask
    assertThat(field(masked.row(), 4)).isEqualTo("\u0001{\"e\": \"****\"}");
    assertThat(masked.maskedFields()).isEqualTo(5);
  }

  @Test
  void maskedRowEncodesWithCorrectLength() {
    RowDescription desc = new RowDescription(List.of(col("e", USERS, 4, 25, 0)));
    RowMasker masker = RowMasker.create(desc, RULES, RESOLVER);
    DataRow masked = masker.mask(row("4111111111111111")).row();
    byte[] wire = Wires.bytes(masked);
    assertThat(wire.length).isEqualTo(1 + 4 + 2 + 4 + 4);
    assertThat(
            ((wire[1] & 0xff) << 24)
                | ((wire[2] & 0xff) << 16)
                | ((wire[3] & 0xff) << 8)
                | (wire[4] & 0xff))
        .isEqualTo(wire.length - 1);
  }

  @Test
  void passThroughWhenNothingApplies() {
    MaskingRules none = new MaskingRules(List.of(), Set.of(), MaskStyle.REDACT, KEY);
    RowDescription desc = new RowDescription(List.of(col("e", USERS, 2, 25, 0)));
    assertThat(RowMasker.create(desc, none, RESOLVER).passThrough()).isTrue();
    assertThat(RowMasker.create(desc, RULES, RESOLVER).passThrough()).isFalse();
    assertThat(RULES.toString()).doesNotContain("0123456789");
  }

  @Test
  void thePlannersLineageDecidesComputedColumnsOneByOne() {
    RowDescription desc =
        new RowDescription(
            List.of(
                col("count", 0, 0, 20, 0),
                col("upper", 0, 0, 25, 0),
                col("t", 0, 0, 25, 0),
                col("f", 0, 0, 25, 0),
                col("id", USERS, 1, 23, 0)));
    ResultLineage lineage =
        new ResultLineage(
            List.of(
                ResultLineage.Column.CLEAN,
                new ResultLineage.Column(MaskStyle.REDACT, false),
                new ResultLineage.Column(MaskStyle.TOKEN, false),
                ResultLineage.Column.UNKNOWN),
            false);
    RowMasker masker = RowMasker.create(desc, RULES, RESOLVER, true, lineage);
    DataRow masked = masker.mask(row("3", "ABC", "abc", "x", "7")).row();
    assertThat(field(masked, 0)).isEqualTo("3");
    assertThat(field(masked, 1)).isEqualTo("****");
    assertThat(field(masked, 2)).startsWith("tok_");
    assertThat(field(masked, 3)).isEqualTo("****");
    assertThat(field(masked, 4)).isEqualTo("7");
    assertThat(masker.refusedColumn()).isNull();
    MaskingRules refuse =
        new MaskingRules(
            RULES.columns(),
            RULES.detectors(),
            MaskStyle.REDACT,
            Map.of(),
            UnknownLineage.REFUSE,
            KEY);
    assertThat(RowMasker.create(desc, refuse, RESOLVER, true, lineage).refusedColumn())
        .isEqualTo("f");
  }

  @Test
  void aWholeRowValueIsNeverTakenForAPlainColumn() {
    // select t from users t: the table's OID with column number 0.
    RowDescription desc = new RowDescription(List.of(col("t", USERS, 0, 16390, 0)));
    DataRow masked = RowMasker.create(desc, RULES, RESOLVER, true).mask(row("(1,a@b.c)")).row();
    assertThat(field(masked, 0)).isEqualTo("****");
  }

  @Test
  void aWritingStatementsPlainColumnsAreJudgedByThePlanToo() {
    // insert into sink select ..., ssn from users returning s: s is sink's own column.
    RowDescription desc = new RowDescription(List.of(col("s", 99, 2, 25, 0)));
    ResultLineage lineage =
        new ResultLineage(List.of(new ResultLineage.Column(MaskStyle.REDACT, false)), true);
    DataRow masked =
        RowMasker.create(desc, RULES, RESOLVER, true, lineage).mask(row("plain")).row();
    assertThat(field(masked, 0)).isEqualTo("****");
    ResultLineage reading = new ResultLineage(lineage.columns(), false);
    assertThat(
            field(
                RowMasker.create(desc, RULES, RESOLVER, true, reading).mask(row("plain")).row(), 0))
        .isEqualTo("plain");
  }
}
