package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.DeviceAuthorization;
import io.hoop.cli.auth.DeviceFlowClient;
import io.hoop.cli.auth.ProviderMetadata;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.auth.TokenResponse;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.tls.Tls;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI's device-flow client against the broker's real dev identity provider over HTTPS: pending,
 * slow_down, expired code and denial each end the way RFC 8628 says, with a clear message.
 */
class DeviceFlowIT {
  static BrokerFixture broker;
  static ProviderMetadata idp;

  @BeforeAll
  static void start() throws Exception {
    broker = BrokerFixture.start("devIdp:\n  pollInterval: 1s\n  codeTtl: 30s\n");
    idp = client(Sleeper.REAL).discover(broker.url() + "/dev-idp");
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static DeviceFlowClient client(Sleeper sleeper) {
    NetHttpTransport transport =
        new NetHttpTransport.Builder()
            .setSslSocketFactory(Tls.jdkClientPinned(broker.fingerprint()).getSocketFactory())
            .build();
    return new DeviceFlowClient(transport, sleeper, Clock.systemUTC());
  }

  private static DeviceAuthorization authorize(DeviceFlowClient c) {
    return c.authorize(idp.deviceAuthorizationEndpoint(), "hoop-cli", List.of("openid"));
  }

  @Test
  void pendingUntilTheUserApprovesThenTokens() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    DeviceFlowClient c = client(Sleeper.REAL);
    DeviceAuthorization auth = authorize(c);
    assertThat(auth.interval()).isEqualTo(Duration.ofSeconds(1));
    TokenResponse tokens =
        c.awaitTokens(
            idp.tokenEndpoint(),
            "hoop-cli",
            auth,
            (elapsed, interval) -> {
              // The user finishes in the browser after the client has seen "pending" once.
              if (polls.incrementAndGet() == 2) {
                try {
                  broker.approveDeviceCode(auth.userCode(), "alice");
                } catch (java.io.IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    assertThat(polls.get()).isGreaterThanOrEqualTo(2);
    assertThat(tokens.idToken()).isNotBlank();
  }

  @Test
  void slowDownMakesEveryLaterPollWaitFiveSecondsLonger() throws Exception {
    List<Duration> waits = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    // An impatient client: the first two polls go out at once, so the IdP answers slow_down.
    Sleeper impatient =
        d -> {
          waits.add(d);
          if (calls.incrementAndGet() > 2) {
            Thread.sleep(d.toMillis());
          }
        };
    DeviceFlowClient c = client(impatient);
    DeviceAuthorization auth = authorize(c);
    DeviceAuthorization longLived =
        new DeviceAuthorization(
            auth.deviceCode(),
            auth.userCode(),
            auth.verificationUri(),
            auth.verificationUriComplete(),
            Duration.ofMinutes(1),
            auth.interval());
    TokenResponse tokens =
        c.awaitTokens(
            idp.tokenEndpoint(),
            "hoop-cli",
            longLived,
            (elapsed, interval) -> {
              if (interval.compareTo(Duration.ofSeconds(6)) >= 0) {
                try {
                  broker.approveDeviceCode(auth.userCode(), "alice");
                } catch (java.io.IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
    assertThat(tokens.idToken()).isNotBlank();
    assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(waits).contains(Duration.ofSeconds(6));
  }

  @Test
  void deniedSignInSaysSo() {
    DeviceFlowClient c = client(Sleeper.REAL);
    DeviceAuthorization auth = authorize(c);
    assertThatThrownBy(
            () ->
                c.awaitTokens(
                    idp.tokenEndpoint(),
                    "hoop-cli",
                    auth,
                    (elapsed, interval) -> {
                      try {
                        broker.denyDeviceCode(auth.userCode(), "alice");
                      } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                      }
                    }))
        .isInstanceOf(HoopException.Denied.class)
        .hasMessage("sign-in was denied at the identity provider");
  }

  @Test
  void codeExpiredAtTheProviderSaysRunLoginAgain() throws Exception {
    try (BrokerFixture shortCodes =
        BrokerFixture.start("devIdp:\n  pollInterval: 1s\n  codeTtl: 2s\n")) {
      NetHttpTransport transport =
          new NetHttpTransport.Builder()
              .setSslSocketFactory(Tls.jdkClientPinned(shortCodes.fingerprint()).getSocketFactory())
              .build();
      DeviceFlowClient c = new DeviceFlowClient(transport, Sleeper.REAL, Clock.systemUTC());
      ProviderMetadata meta = c.discover(shortCodes.url() + "/dev-idp");
      DeviceAuthorization auth =
          c.authorize(meta.deviceAuthorizationEndpoint(), "hoop-cli", List.of("openid"));
      assertThat(auth.expiresIn()).isEqualTo(Duration.ofSeconds(2));
      expiresAtTheProvider(c, meta, auth);
    }
  }

  private static void expiresAtTheProvider(
      DeviceFlowClient c, ProviderMetadata meta, DeviceAuthorization auth) {
    // The client believes it has a minute; the provider's code lives 2 s: the provider decides.
    DeviceAuthorization optimistic =
        new DeviceAuthorization(
            auth.deviceCode(),
            auth.userCode(),
            auth.verificationUri(),
            auth.verificationUriComplete(),
            Duration.ofMinutes(1),
            auth.interval());
    assertThatThrownBy(
            () -> c.awaitTokens(meta.tokenEndpoint(), "hoop-cli", optimistic, (e, i) -> {}))
        .isInstanceOf(HoopException.class)
        .hasMessageContaining("expired")
        .hasMessageContaining("hoop login");
  }
}
