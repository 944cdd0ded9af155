package io.hoop.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.config.IdentityConfig.FederationConfig;
import io.hoop.broker.identity.InvalidTokenException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederationTest {
  @Test
  void globsMatchTheWholeValue() {
    assertThat(Federation.glob("acme/*", "acme/app")).isTrue();
    assertThat(Federation.glob("acme/*", "acme/")).isTrue();
    assertThat(Federation.glob("acme/*", "evil/acme/app")).isFalse();
    assertThat(Federation.glob("refs/heads/main", "refs/heads/main")).isTrue();
    assertThat(Federation.glob("refs/heads/main", "refs/heads/main2")).isFalse();
    assertThat(Federation.glob("v?.*", "v1.2")).isTrue();
    assertThat(Federation.glob("a.c", "abc")).as("regex characters are literal").isFalse();
    assertThat(Federation.glob("system:serviceaccount:ci:*", "system:serviceaccount:ci:deployer"))
        .isTrue();
  }

  @Test
  void tokensOfUntrustedIssuersAreRefusedBeforeAnyFetch() throws Exception {
    Federation f =
        new Federation(
            List.of(
                new FederationConfig(
                    "gh",
                    "https://token.actions.githubusercontent.com",
                    "hoop",
                    Map.of("repository", "acme/*"),
                    "github:{repository}",
                    List.of())),
            Duration.ofHours(1),
            Clock.systemUTC());
    String foreign =
        new com.nimbusds.jwt.PlainJWT(
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("https://evil.example").build())
            .serialize();
    assertThatThrownBy(() -> f.exchange(foreign))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("'https://evil.example' is not trusted");
    assertThatThrownBy(() -> f.exchange("x".repeat(17 * 1024))).hasMessageContaining("at most");
    assertThatThrownBy(() -> f.exchange("garbage")).hasMessageContaining("not a well-formed JWT");
  }
}
