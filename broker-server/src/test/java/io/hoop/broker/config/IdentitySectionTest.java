package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentitySectionTest {
  @TempDir Path dir;

  static final String PROD =
      "identity:\n  issuer: https://idp.example.com/realms/acme\n  clientId: hoop-cli\n";

  static final String FEDERATION =
      "  federation:\n"
          + "    - name: github-actions\n"
          + "      issuer: https://token.actions.githubusercontent.com\n"
          + "      audience: hoop\n"
          + "      conditions: {repository: \"acme/*\", ref: refs/heads/main}\n"
          + "      principal: \"github:{repository}:{workflow}\"\n"
          + "      groups: [ci-deployers]\n";

  @Test
  void defaultsRequireDpopAndKeepJwksADay() throws Exception {
    IdentityConfig ic = ConfigLoader.parse("t.yaml", PROD, false).identity().orElseThrow();
    assertThat(ic.requireDpop()).isTrue();
    assertThat(ic.jwksMaxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(ic.usernameClaim()).isEqualTo("preferred_username");
    assertThat(ic.groupsClaim()).isEqualTo("groups");
    assertThat(ic.machineClaims()).containsExactly("client_id", "azp", "cid", "appid");
    assertThat(ic.federation()).isEmpty();
    // No machine may log in until the admin lists it.
    assertThat(ic.machineClients()).isEmpty();
  }

  @Test
  void parsesMachineClients() throws Exception {
    IdentityConfig ic =
        ConfigLoader.parse(
                "t.yaml",
                PROD
                    + "  machineClients:\n"
                    + "    - {clientId: ci-deployer, description: the deploy pipeline}\n"
                    + "    - clientId: 0f1e2d3c-aaaa-bbbb-cccc-000000000001\n",
                false)
            .identity()
            .orElseThrow();
    assertThat(ic.machineClients())
        .containsExactly(
            new IdentityConfig.MachineClient("ci-deployer", "the deploy pipeline"),
            new IdentityConfig.MachineClient("0f1e2d3c-aaaa-bbbb-cccc-000000000001", ""));
  }

  @Test
  void subIsNoClientClaim() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", PROD + "  machineClaims: [client_id, sub]\n", false))
        .hasMessageContaining("identity.machineClaims[1]")
        .hasMessageContaining("sub names the token's subject");
  }

  @Test
  void listingTheInteractiveClientAsAMachineIsAConfigError() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "t.yaml", PROD + "  machineClients:\n    - {clientId: hoop-cli}\n", false))
        .hasMessageContaining("identity.machineClients[0].clientId")
        .hasMessageContaining("is identity.clientId, the client people log in with");
  }

  @Test
  void badMachineClientsNameTheirKey() {
    for (String[] c :
        new String[][] {
          {
            "    - {clientId: ci, description: a}\n    - {clientId: ci}\n",
            "[1].clientId",
            "duplicate"
          },
          {"    - {description: a}\n", "[0].clientId", "missing"},
          {"    - {clientId: \"a b\"}\n", "[0].clientId", "is not a client id"},
          {"    - {clientId: ci, secret: x}\n", "secret", ""},
        }) {
      assertThatThrownBy(
              () -> ConfigLoader.parse("t.yaml", PROD + "  machineClients:\n" + c[0], false))
          .as(c[0])
          .hasMessageContaining(c[1])
          .hasMessageContaining(c[2]);
    }
  }

  @Test
  void parsesClaimsMaxAgeAndFederation() throws Exception {
    IdentityConfig ic =
        ConfigLoader.parse(
                "t.yaml",
                PROD
                    + "  usernameClaim: email\n"
                    + "  groupsClaim: realm_access.roles\n"
                    + "  jwksMaxAge: 6h\n"
                    + "  requireDpop: false\n"
                    + FEDERATION,
                false)
            .identity()
            .orElseThrow();
    assertThat(ic.groupsClaim()).isEqualTo("realm_access.roles");
    assertThat(ic.jwksMaxAge()).isEqualTo(Duration.ofHours(6));
    assertThat(ic.requireDpop()).isFalse();
    IdentityConfig.FederationConfig f = ic.federation().get(0);
    assertThat(f.conditions()).containsEntry("repository", "acme/*").hasSize(2);
    assertThat(f.principal()).isEqualTo("github:{repository}:{workflow}");
    assertThat(f.groups()).containsExactly("ci-deployers");
  }

  @Test
  void devModeTakesFederationWithoutAnIssuer() throws Exception {
    IdentityConfig ic =
        ConfigLoader.parse("t.yaml", "identity:\n" + FEDERATION, true).identity().orElseThrow();
    assertThat(ic.issuer()).isEmpty();
    assertThat(ic.federation()).hasSize(1);
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "identity:\n" + FEDERATION, false))
        .hasMessage("t.yaml: identity.issuer: missing");
  }

  @Test
  void federationWithoutConditionsIsRefused() {
    String yaml =
        PROD
            + FEDERATION.replace(
                "      conditions: {repository: \"acme/*\", ref: refs/heads/main}\n", "");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml, false))
        .hasMessageStartingWith("t.yaml: identity.federation[0].conditions: missing");
  }

  @Test
  void principalTemplateMustNameAClaim() {
    String yaml = PROD + FEDERATION.replace("github:{repository}:{workflow}", "ci-bot");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml, false))
        .hasMessageContaining("identity.federation[0].principal: 'ci-bot' names no claim");
  }

  @Test
  void plainHttpIssuersOnlyOnLoopback() throws Exception {
    String remote = PROD + FEDERATION.replace("https://token", "http://token");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", remote, false))
        .hasMessageContaining("identity.federation[0].issuer")
        .hasMessageContaining("http:// only on loopback");
    String local =
        PROD
            + FEDERATION.replace(
                "https://token.actions.githubusercontent.com", "http://127.0.0.1:9");
    assertThat(ConfigLoader.parse("t.yaml", local, false).identity().orElseThrow().federation())
        .hasSize(1);
  }

  @Test
  void jwksMaxAgeIsBounded() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", PROD + "  jwksMaxAge: 30d\n", false))
        .hasMessageContaining("identity.jwksMaxAge");
  }

  @Test
  void devClientSecretsMustBePrivate() throws Exception {
    Path secret = Files.writeString(dir.resolve("bot.secret"), "0123456789abcdef0123\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    String yaml =
        "devIdp:\n  clients:\n    - id: deploy-bot\n      secretFile: "
            + secret
            + "\n      groups: [ci]\n";
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml, true))
        .hasMessageContaining("devIdp.clients[0].secretFile")
        .hasMessageContaining("chmod 600");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    DevIdpConfig.DevClientConfig c =
        ConfigLoader.parse("t.yaml", yaml, true).devIdp().clients().get(0);
    assertThat(c.secret()).isEqualTo("0123456789abcdef0123");
    assertThat(c.toString()).doesNotContain("0123456789");
  }
}
