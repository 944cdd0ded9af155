package io.hoop.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import io.hoop.cli.HoopException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceFlowClientTest {
  private static final String TOKENS =
      "{\"id_token\":\"id.jwt.sig\",\"access_token\":\"at\",\"refresh_token\":\"rt\","
          + "\"token_type\":\"Bearer\"}";

  /** A clock the sleeper advances, so a ten-minute expiry takes no time at all. */
  static final class FakeClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-22T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private FakeIdp idp;
  private final FakeClock clock = new FakeClock();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final List<Duration> progress = new ArrayList<>();
  private DeviceFlowClient client;

  @BeforeEach
  void start() throws Exception {
    idp = new FakeIdp();
    client =
        new DeviceFlowClient(
            new NetHttpTransport(),
            d -> {
              sleeps.add(d);
              clock.now = clock.now.plus(d);
            },
            clock);
  }

  @AfterEach
  void stop() {
    idp.close();
  }

  private TokenResponse run() throws InterruptedException {
    ProviderMetadata metadata = client.discover(idp.url());
    DeviceAuthorization auth =
        client.authorize(
            metadata.deviceAuthorizationEndpoint(), "hoop-cli", List.of("openid", "email"));
    return client.awaitTokens(
        metadata.tokenEndpoint(), "hoop-cli", auth, (elapsed, interval) -> progress.add(elapsed));
  }

  @Test
  void pendingThenSuccessReturnsTheTokens() throws Exception {
    idp.thenError("authorization_pending")
        .thenError("authorization_pending")
        .thenToken(200, TOKENS);
    TokenResponse tokens = run();
    assertThat(tokens.idToken()).isEqualTo("id.jwt.sig");
    assertThat(tokens.refreshToken()).isEqualTo("rt");
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(progress)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
    assertThat(idp.deviceForms).containsExactly("client_id=hoop-cli&scope=openid+email");
    assertThat(idp.tokenForms.get(0))
        .isEqualTo(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
                + "&device_code=dev-secret&client_id=hoop-cli");
    assertThat(tokens.toString()).doesNotContain("id.jwt.sig").doesNotContain("rt,");
  }

  @Test
  void slowDownAddsFiveSecondsToThisAndEveryLaterWait() throws Exception {
    idp.thenError("authorization_pending")
        .thenError("slow_down")
        .thenError("authorization_pending")
        .thenError("slow_down")
        .thenToken(200, TOKENS);
    run();
    assertThat(sleeps)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(6),
            Duration.ofSeconds(6),
            Duration.ofSeconds(11));
  }

  @Test
  void expiredTokenSaysToLogInAgain() {
    idp.thenError("authorization_pending").thenError("expired_token");
    assertThatThrownBy(this::run)
        .isExactlyInstanceOf(HoopException.class)
        .hasMessage("the code expired before sign-in finished; run hoop login again");
  }

  @Test
  void localExpiryStopsPollingEvenIfTheProviderKeepsSayingPending() {
    idp.deviceAnswer =
        "{\"device_code\":\"d\",\"user_code\":\"U\",\"verification_uri\":\"https://x\","
            + "\"expires_in\":3,\"interval\":1}";
    for (int i = 0; i < 10; i++) {
      idp.thenError("authorization_pending");
    }
    assertThatThrownBy(this::run)
        .hasMessage("the code expired before sign-in finished; run hoop login again");
    assertThat(idp.tokenForms).hasSize(3);
  }

  @Test
  void accessDeniedIsADenial() {
    idp.thenError("access_denied");
    assertThatThrownBy(this::run)
        .isInstanceOf(HoopException.Denied.class)
        .hasMessage("sign-in was denied at the identity provider");
  }

  @Test
  void otherErrorsCarryTheirDescription() {
    idp.thenToken(
        400, "{\"error\":\"invalid_client\",\"error_description\":\"unknown client hoop-cli\"}");
    assertThatThrownBy(this::run)
        .hasMessage(
            "identity provider refused the sign-in: invalid_client: unknown client hoop-cli");
  }

  @Test
  void malformedJsonIsAClearError() {
    idp.thenToken(200, "<html>oops</html>");
    assertThatThrownBy(this::run)
        .isExactlyInstanceOf(HoopException.class)
        .hasMessage(
            "identity provider at "
                + idp.url()
                + "/token answered HTTP 200 with a body that is not a JSON object");
  }

  @Test
  void successWithoutIdTokenIsAClearError() {
    idp.thenToken(200, "{\"access_token\":\"at\"}");
    assertThatThrownBy(this::run)
        .hasMessage(
            "identity provider response from "
                + idp.url()
                + "/token has no string field 'id_token'");
  }

  @Test
  void unreachableProviderNamesTheUrl() {
    String url = idp.url();
    idp.close();
    assertThatThrownBy(() -> client.discover(url))
        .isInstanceOf(HoopException.class)
        .hasMessageStartingWith("cannot reach identity provider at " + url + "/.well-known/");
  }
}
