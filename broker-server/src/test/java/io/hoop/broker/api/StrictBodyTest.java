package io.hoop.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.GrantAction;
import io.hoop.api.GrantRequest;
import io.hoop.api.ReviewAction;
import io.hoop.api.SessionRequest;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every JSON body the broker reads refuses unknown fields instead of ignoring them. */
class StrictBodyTest {
  static ApiRequest req(String json) {
    return new ApiRequest(
        "POST",
        "/v1/grants",
        Map.of(),
        Map.of(),
        json.getBytes(StandardCharsets.UTF_8),
        new InetSocketAddress("127.0.0.1", 1),
        "https://127.0.0.1:1");
  }

  @Test
  void aMisspeltDurationIsRefusedNamingTheFieldAndTheKnownOnes() {
    assertThatThrownBy(
            () ->
                ApiRoutes.body(
                    req("{\"target\":\"db\",\"duration\":60,\"reason\":\"x\"}"),
                    GrantRequest.class))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("unknown_field");
              assertThat(e.getMessage())
                  .contains("field 'duration' is not a field of GrantRequest")
                  .contains("durationSeconds");
            });
  }

  @Test
  void everyRequestTypeIsStrict() {
    for (Class<?> type :
        new Class<?>[] {
          GrantRequest.class,
          SessionRequest.class,
          TokenExchangeRequest.class,
          GrantAction.class,
          ReviewAction.class
        }) {
      assertThatThrownBy(() -> ApiRoutes.body(req("{\"surprise\":1}"), type))
          .as(type.getSimpleName())
          .hasMessageContaining("field 'surprise' is not a field of " + type.getSimpleName());
    }
  }

  @Test
  void nestedAndCaseVariantFieldsAreUnknownToo() {
    assertThatThrownBy(() -> ApiRoutes.body(req("{\"IdToken\":\"x\"}"), SessionRequest.class))
        .hasMessageContaining("'IdToken'");
  }

  @Test
  void theFieldNameIsBoundedAndPrintable() {
    String name = "a".repeat(500) + "\\n";
    assertThatThrownBy(() -> ApiRoutes.body(req("{\"" + name + "\":1}"), SessionRequest.class))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(250));
  }

  @Test
  void trailingContentIsRefused() {
    assertThatThrownBy(
            () ->
                ApiRoutes.body(
                    req("{\"idToken\":\"x\"} {\"idToken\":\"y\"}"), SessionRequest.class))
        .isInstanceOf(ApiException.class);
  }

  /**
   * A field given twice is refused, not read as its last value: a proxy or log that reads the first
   * {@code durationSeconds} must not see another grant than the broker makes.
   */
  @Test
  void aDuplicateFieldIsRefusedNotReadAsItsLastValue() {
    for (String json :
        new String[] {
          "{\"target\":\"db\",\"durationSeconds\":60,\"durationSeconds\":99999}",
          "{\"target\":\"db\",\"target\":\"prod\"}",
          "{\"target\":\"db\",\"role\":null,\"role\":\"admin\"}"
        }) {
      assertThatThrownBy(() -> ApiRoutes.body(req(json), GrantRequest.class))
          .as(json)
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("bad_request");
                assertThat(e.getMessage()).contains("more than once");
              });
    }
  }

  @Test
  void knownFieldsStillRead() throws Exception {
    assertThat(ApiRoutes.body(req("{\"idToken\":\"x\"}"), SessionRequest.class).idToken())
        .isEqualTo("x");
  }
}
