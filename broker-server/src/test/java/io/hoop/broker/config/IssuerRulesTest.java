package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.tls.DevCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issuers as people run them: {@code http://} on loopback only (one rule for the IdP and the
 * federation issuers), {@code identity.caFile} for a private CA, short sessions by default and dev
 * users that can be disabled.
 */
class IssuerRulesTest {
  @TempDir Path dir;

  static String identity(String issuer, String extra) {
    return "identity:\n  issuer: " + issuer + "\n  clientId: hoop-cli\n" + extra;
  }

  @Test
  void plainHttpIssuersOnlyOnLoopback() throws Exception {
    for (String ok :
        List.of(
            "https://idp.example.com/realms/acme",
            "http://127.0.0.1:8080/realms/acme",
            "http://localhost:8080/realms/acme",
            "http://[::1]:8080/realms/acme")) {
      assertThat(ConfigLoader.parse("t.yaml", identity(ok, ""), false).identity()).isPresent();
    }
    for (String bad :
        List.of(
            "http://idp.example.com/realms/acme",
            "http://10.0.0.5/realms/acme",
            "http://127.0.0.1.nip.io/realms/acme",
            "http://localhost.example.com/realms/acme",
            "HTTP://idp.example.com/x",
            "http://user@127.0.0.1/x",
            "ftp://127.0.0.1/x",
            "idp.example.com")) {
      assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", identity(bad, ""), false))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("identity.issuer")
          .hasMessageContaining("http:// only on loopback");
    }
  }

  @Test
  void federationIssuersFollowTheSameRule() {
    String yaml =
        identity(
            "https://idp.example.com",
            "  federation:\n"
                + "    - name: ci\n"
                + "      issuer: http://ci.example.com\n"
                + "      audience: hoop\n"
                + "      conditions: {repository: \"acme/*\"}\n"
                + "      principal: \"ci:{repository}\"\n");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml, false))
        .hasMessageContaining("identity.federation[0].issuer")
        .hasMessageContaining("http:// only on loopback");
  }

  @Test
  void caFileMustHoldACertificate() throws Exception {
    Path pem = DevCertificate.loadOrCreate(dir.resolve("idp")).certPath();
    IdentityConfig ic =
        ConfigLoader.parse(
                "t.yaml", identity("https://idp.internal", "  caFile: " + pem + "\n"), false)
            .identity()
            .orElseThrow();
    assertThat(ic.caFile()).contains(pem);

    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    for (String bad : List.of(junk.toString(), dir.resolve("missing.pem").toString())) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.parse(
                      "t.yaml", identity("https://idp.internal", "  caFile: " + bad + "\n"), false))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("identity.caFile");
    }
  }

  @Test
  void sessionsAreShortByDefaultAndConfigurable() throws Exception {
    String prod = identity("https://idp.example.com", "");
    assertThat(ConfigLoader.parse("t.yaml", prod, false).sessionTtl())
        .isEqualTo(Duration.ofMinutes(15));
    assertThat(ConfigLoader.parse("t.yaml", "sessionTtl: 1h\n" + prod, false).sessionTtl())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void devUsersCanBeDisabled() throws Exception {
    DevIdpConfig d =
        ConfigLoader.parse(
                "t.yaml",
                "devIdp:\n  users:\n    - username: alice\n      disabled: true\n"
                    + "    - username: bob\n",
                true)
            .devIdp();
    assertThat(d.users())
        .extracting(DevIdpConfig.DevUserConfig::disabled)
        .containsExactly(true, false);
  }
}
