package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.TextMasker;
import io.hoop.engine.postgres.message.frontend.Bind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What reviewers of a held statement and the recording see of Bind parameters. */
class RecordingParametersTest {
  private static final short BINARY = 1;

  private static byte[] bytes(ByteBuffer b) {
    return Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void binaryParametersOfReadableTypesAreDecodedOthersSummarisedWithTheirType() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    List<byte[]> values =
        Arrays.asList(
            bytes(ByteBuffer.allocate(4).putInt(-7)),
            bytes(ByteBuffer.allocate(8).putLong(1L << 40)),
            new byte[] {1},
            bytes(
                ByteBuffer.allocate(16)
                    .putLong(id.getMostSignificantBits())
                    .putLong(id.getLeastSignificantBits())),
            bytes(ByteBuffer.allocate(8).putDouble(1.5)),
            new byte[] {0x0a, (byte) 0xff},
            new byte[] {1, 2, 3},
            new byte[] {1, 2, 3},
            new byte[] {1, 2},
            null);
    Bind bind = new Bind("", "", List.of(BINARY), values, List.of());
    List<Integer> types = List.of(23, 20, 16, 2950, 701, 17, 1700, 0, 23, 23);
    assertThat(Recording.parameters(bind, null, types))
        .containsExactly(
            "-7",
            "1099511627776",
            "t",
            id.toString(),
            "1.5",
            "\\x0aff",
            "<binary 3 bytes, type oid 1700>",
            "<binary 3 bytes>",
            "<binary 2 bytes, type oid 23>",
            "NULL");
  }

  @Test
  void decodedTextIsMaskedByTheDetectorsLikeTextParameters() {
    TextMasker masker =
        new TextMasker(
            new MaskingRules(
                List.of(), Set.of(BuiltinDetector.EMAIL), MaskStyle.REDACT, new byte[32]));
    byte[] mail = "bob@example.com".getBytes(StandardCharsets.UTF_8);
    Bind binary = new Bind("", "", List.of(BINARY), List.of(mail), List.of());
    Bind text = new Bind("", "", List.of(), List.of(mail), List.of());
    String masked = Recording.parameters(text, masker).get(0);
    assertThat(masked).doesNotContain("bob@example.com");
    assertThat(Recording.parameters(binary, masker, List.of(25))).containsExactly(masked);
    assertThat(Recording.parameters(binary, masker)).containsExactly("<binary 15 bytes>");
  }
}
