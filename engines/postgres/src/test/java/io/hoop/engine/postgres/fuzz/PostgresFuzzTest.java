package io.hoop.engine.postgres.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hoop.engine.postgres.codec.BackendDecoder;
import io.hoop.engine.postgres.codec.FrontendDecoder;
import io.hoop.engine.postgres.guard.Decision;
import io.hoop.engine.postgres.guard.GuardrailPolicy;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.LineageCatalog;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.PlanLineage;
import io.hoop.engine.postgres.mask.ResultLineage;
import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.PostgresMessage;
import io.hoop.engine.postgres.sql.SqlTokenizer;
import io.hoop.engine.postgres.sql.TokenizedSql;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/** Fuzzes the decoders and the SQL tokenizer and policy; regression mode runs in every build. */
class PostgresFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void tokenizerAndPolicyNeverThrow(FuzzedDataProvider data) {
    String sql = data.consumeRemainingAsString();
    TokenizedSql t = SqlTokenizer.tokenize(sql);
    SqlTokenizer.tokenize(sql, false);
    Decision d = GuardrailPolicy.decide(sql, Rules.defaults());
    if (!t.complete()) {
      // Fail closed: text the tokenizer cannot finish is never allowed under deny rules.
      assertThat(d.allowed()).isFalse();
    }
  }

  private static final MaskingRules PLAN_RULES =
      new MaskingRules(
          List.of(new MaskRule("public.customers.secret", MaskStyle.REDACT)),
          Set.of(),
          MaskStyle.REDACT,
          "0123456789abcdef-token-key".getBytes(StandardCharsets.UTF_8));

  private static final LineageCatalog PLAN_CATALOG =
      new LineageCatalog() {
        @Override
        public int ruleOf(String schema, String table, String column) {
          return table.equals("customers") && column.equals("secret") ? 0 : -1;
        }

        @Override
        public BitSet rulesOf(String schema, String table) {
          BitSet b = new BitSet();
          b.set(0, table.equals("customers"));
          return b;
        }

        @Override
        public boolean derived(String schema, String table) {
          return table.equals("mv");
        }

        @Override
        public boolean userFunction(String name) {
          return name.equals("leak");
        }
      };

  /** The plan reader returns an answer or null (unknown), never throws, on any text. */
  @FuzzTest(maxDuration = "30s")
  void planReaderNeverThrows(FuzzedDataProvider data) {
    String json = data.consumeRemainingAsString();
    ResultLineage lineage = PlanLineage.analyze(json, PLAN_CATALOG, PLAN_RULES);
    if (lineage != null) {
      assertThat(lineage.column(lineage.columns().size()).unknown()).isTrue();
    }
  }

  @FuzzTest(maxDuration = "30s")
  void frontendDecoderReportsInsteadOfThrowing(byte[] input) {
    decodeAll(new FrontendDecoder(1 << 16), input);
  }

  @FuzzTest(maxDuration = "30s")
  void backendDecoderReportsInsteadOfThrowing(FuzzedDataProvider data) {
    boolean afterSsl = data.consumeBoolean();
    decodeAll(new BackendDecoder(afterSsl, 1 << 16), data.consumeRemainingAsBytes());
  }

  /** Every decoded message must re-encode to the exact bytes it came from. */
  private static void decodeAll(ByteToMessageDecoder decoder, byte[] input) {
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    channel.writeInbound(Unpooled.wrappedBuffer(input));
    int consumed = 0;
    for (Object m; (m = channel.readInbound()) != null; ) {
      if (m instanceof DecodeFailure) {
        break;
      }
      ByteBuf out = Unpooled.buffer();
      try {
        ((PostgresMessage) m).encode(out);
        byte[] encoded = ByteBufUtil.getBytes(out);
        byte[] original = java.util.Arrays.copyOfRange(input, consumed, consumed + encoded.length);
        assertThat(encoded).isEqualTo(original);
        consumed += encoded.length;
      } finally {
        out.release();
      }
    }
    channel.finishAndReleaseAll();
  }
}
