package io.hoop.engine.http.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hoop.engine.http.config.Credential;
import io.hoop.engine.http.config.MaskRule;
import io.hoop.engine.http.config.MaskStyle;
import io.hoop.engine.http.mask.JsonMasker;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.http.policy.RequestTarget;
import io.hoop.engine.http.proxy.RequestGuard;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the JSON masker (any bytes, any chunking: refused, or valid JSON with every masked field
 * masked, the same whatever the chunking) and the request guard behind netty's decoder (any bytes:
 * refused, or a request whose path is normalised and whose only credential is the role's).
 * Regression mode runs in every build.
 */
class HttpFuzzTest {
  private static final MaskPlan PLAN =
      new MaskPlan(
          List.of(
              new MaskRule("m0", "s", null, MaskStyle.REDACT),
              new MaskRule("m1", null, List.of("a", "*", "b"), MaskStyle.PARTIAL)),
          List.of(),
          MaskStyle.REDACT,
          new byte[32]);
  private static final Credential CREDENTIAL = new Credential.Bearer("role-token");

  @FuzzTest(maxDuration = "30s")
  void maskerRefusesOrMasks(FuzzedDataProvider data) throws Exception {
    int step = data.consumeInt(1, 64);
    byte[] input = data.consumeRemainingAsBytes();
    String whole = mask(input, input.length == 0 ? 1 : input.length);
    String chunked = mask(input, step);
    assertThat(chunked).isEqualTo(whole);
    if (whole == null) {
      return;
    }
    try (JsonParser p = new JsonFactory().createParser(whole)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME && p.currentName().equals("s")) {
          JsonToken v = p.nextToken();
          if (v.isStructStart() || v.isScalarValue() && v != JsonToken.VALUE_NULL) {
            assertThat(v).isEqualTo(JsonToken.VALUE_STRING);
            assertThat(p.getText()).isEqualTo("****");
          }
        }
      }
    }
  }

  private static String mask(byte[] input, int step) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JsonMasker masker = new JsonMasker(PLAN, out::write);
    try {
      for (int i = 0; i < input.length; i += step) {
        masker.feed(input, i, Math.min(step, input.length - i));
      }
      masker.finish();
    } catch (JsonMasker.MaskingException e) {
      assertThat(e.getMessage()).startsWith("the JSON body cannot be masked");
      return null;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @FuzzTest(maxDuration = "30s")
  void requestGuardRefusesOrNormalises(byte[] input) {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new HttpServerCodec(
                new HttpDecoderConfig()
                    .setStrictLineParsing(true)
                    .setMaxInitialLineLength(RequestTarget.MAX_LENGTH + 64)
                    .setMaxHeaderSize(32 * 1024)));
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(input));
      Object msg;
      while ((msg = channel.readInbound()) != null) {
        try {
          if (msg instanceof HttpRequest request) {
            check(request);
          }
        } finally {
          ReferenceCountUtil.release(msg);
        }
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static void check(HttpRequest request) {
    if (RequestGuard.check(request) != null) {
      return;
    }
    RequestTarget target;
    try {
      target = RequestTarget.parse(request.uri());
    } catch (RequestTarget.Refused e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    String path = target.path();
    assertThat(path).startsWith("/");
    assertThat(path).doesNotContain("//", ";", "\\", "#", " ");
    assertThat(path.toUpperCase(java.util.Locale.ROOT)).doesNotContain("%2F", "%5C", "%2E", "%00");
    assertThat(("/" + path + "/")).doesNotContain("/../", "/./");
    HttpHeaders out = RequestGuard.toTarget(request, "target", CREDENTIAL, false, true);
    assertThat(out.getAll("Authorization")).containsExactly("Bearer role-token");
    assertThat(out.getAll("Host")).containsExactly("target");
    assertThat(out.contains("Cookie")).isFalse();
    assertThat(out.contains("Proxy-Authorization")).isFalse();
  }
}
