package io.hoop.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hoop.broker.config.IdentityConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pins how client-credentials tokens are told from people's tokens, IdP by IdP. */
class MachineTokenRuleTest {
  static final String CLI = "hoop-cli";
  static final MachineTokenRule RULE =
      new MachineTokenRule(
          IdentityConfig.DEFAULT_MACHINE_CLAIMS, Set.of("ci-deployer", "0f1e-app"), CLI);

  static JWTClaimsSet claims(Map<String, Object> m) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
    m.forEach(b::claim);
    return b.build();
  }

  // --- client-credentials tokens as each IdP issues them: accepted -------------------------------

  static Stream<Arguments> machineTokens() {
    return Stream.of(
        Arguments.of(
            "dev IdP", Map.of("sub", "ci-deployer", "client_id", "ci-deployer", "aud", CLI), "sub"),
        Arguments.of(
            "Keycloak service account",
            Map.of(
                "sub", "7d3c-uuid",
                "azp", "ci-deployer",
                "client_id", "ci-deployer",
                "typ", "Bearer",
                "preferred_username", "service-account-ci-deployer",
                "scope", "profile email"),
            "keycloak-service-account"),
        Arguments.of(
            "Okta client credentials",
            Map.of("sub", "ci-deployer", "cid", "ci-deployer", "scp", List.of("hoop.login")),
            "sub"),
        Arguments.of(
            "Entra ID v2 app-only with idtyp",
            Map.of("sub", "oid-1", "oid", "oid-1", "azp", "0f1e-app", "idtyp", "app"),
            "entra-idtyp-app"),
        Arguments.of(
            "Entra ID v1 app-only without idtyp",
            Map.of("sub", "oid-1", "oid", "oid-1", "appid", "0f1e-app", "roles", List.of("x")),
            "entra-app-only"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("machineTokens")
  void acceptsClientCredentialsTokensOfListedClients(
      String idp, Map<String, Object> m, String marker) {
    MachineTokenRule.Verdict v = RULE.decide(claims(m));
    assertThat(v.refusal()).isNull();
    assertThat(v.accepted()).isTrue();
    assertThat(v.marker()).isEqualTo(marker);
  }

  // --- people's tokens: refused whatever client they name ----------------------------------------

  static Stream<Arguments> peoplesTokens() {
    return Stream.of(
        Arguments.of(
            "Keycloak person's access token of a listed client",
            Map.of(
                "sub", "alice-uuid",
                "azp", "ci-deployer",
                "typ", "Bearer",
                "sid", "s-1",
                "session_state", "s-1",
                "preferred_username", "alice"),
            "carries sid"),
        Arguments.of(
            "Keycloak ID token of a listed client",
            Map.of("sub", "ci-deployer", "azp", "ci-deployer", "typ", "ID"),
            "payload typ is 'ID'"),
        Arguments.of(
            "Keycloak refresh token",
            Map.of("sub", "ci-deployer", "azp", "ci-deployer", "typ", "Refresh"),
            "payload typ is 'Refresh'"),
        Arguments.of(
            "ID token with nonce",
            Map.of("sub", "ci-deployer", "azp", "ci-deployer", "nonce", "n"),
            "carries nonce"),
        Arguments.of(
            "ID token with at_hash",
            Map.of("sub", "ci-deployer", "azp", "ci-deployer", "at_hash", "h"),
            "carries at_hash"),
        Arguments.of(
            "Keycloak session_state only",
            Map.of("sub", "ci-deployer", "azp", "ci-deployer", "session_state", "x"),
            "carries session_state"),
        Arguments.of(
            "Okta person's access token",
            Map.of("sub", "ci-deployer", "cid", "ci-deployer", "uid", "00u1"),
            "carries uid"),
        Arguments.of(
            "Entra person's token",
            Map.of("sub", "p", "oid", "p", "azp", "0f1e-app", "idtyp", "user"),
            "idtyp is 'user'"),
        Arguments.of(
            "Entra delegated token (scp, sub differs from oid)",
            Map.of("sub", "pairwise", "oid", "o-1", "azp", "0f1e-app", "scp", "User.Read"),
            "no service-account marker"),
        Arguments.of(
            "Entra delegated token with sub equal to oid but scp",
            Map.of("sub", "o-1", "oid", "o-1", "azp", "0f1e-app", "scp", "User.Read"),
            "no service-account marker"),
        Arguments.of(
            "a person named like the client at another claim",
            Map.of("sub", "alice", "azp", "ci-deployer", "preferred_username", "alice"),
            "no service-account marker"),
        Arguments.of(
            "Keycloak service-account name of another client",
            Map.of(
                "sub", "u",
                "azp", "ci-deployer",
                "preferred_username", "service-account-other"),
            "no service-account marker"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("peoplesTokens")
  void refusesPeoplesTokens(String what, Map<String, Object> m, String why) {
    MachineTokenRule.Verdict v = RULE.decide(claims(m));
    assertThat(v.accepted()).isFalse();
    assertThat(v.refusal()).contains(why);
    assertThat(v.marker()).isNull();
  }

  // --- which client ---------------------------------------------------------------------------

  @Test
  void theInteractiveClientIsNeverAMachine() {
    MachineTokenRule.Verdict v =
        RULE.decide(claims(Map.of("sub", CLI, "client_id", CLI, "azp", CLI)));
    assertThat(v.refusal()).contains("the client people log in with (identity.clientId)");
    // Even when someone lists it.
    MachineTokenRule listing = new MachineTokenRule(List.of("client_id"), Set.of(CLI), CLI);
    assertThat(listing.decide(claims(Map.of("sub", CLI, "client_id", CLI))).accepted()).isFalse();
  }

  @Test
  void anUnlistedClientIsRefusedByName() {
    MachineTokenRule.Verdict v =
        RULE.decide(claims(Map.of("sub", "ci-other", "client_id", "ci-other")));
    assertThat(v.refusal()).contains("client 'ci-other' is not listed in identity.machineClients");
    assertThat(v.clientId()).isEqualTo("ci-other");
  }

  @Test
  void noListedClientRefusesEveryMachineLoginNamingTheKey() {
    MachineTokenRule none = new MachineTokenRule(List.of("client_id"), Set.of(), CLI);
    assertThat(none.decide(claims(Map.of("sub", "ci", "client_id", "ci"))).refusal())
        .contains("machine logins are disabled: identity.machineClients lists no client");
  }

  @Test
  void aTokenNamingNoClientIsRefused() {
    // A person's ID token of the dev IdP: sub and preferred_username only.
    MachineTokenRule.Verdict v =
        RULE.decide(claims(Map.of("sub", "alice", "preferred_username", "alice")));
    assertThat(v.refusal()).contains("names no client");
    assertThat(v.clientId()).isNull();
  }

  @Test
  void subIsNotAClientClaim() {
    // The old default took sub when nothing else named a client: a person's ID token became
    // client:<person>.
    assertThat(IdentityConfig.DEFAULT_MACHINE_CLAIMS).doesNotContain("sub");
    assertThat(RULE.decide(claims(Map.of("sub", "ci-deployer"))).accepted()).isFalse();
  }

  @Test
  void clientClaimsThatDisagreeAreRefused() {
    MachineTokenRule.Verdict v =
        RULE.decide(claims(Map.of("sub", "ci-deployer", "client_id", "ci-deployer", "azp", CLI)));
    assertThat(v.refusal()).contains("names two clients");
  }

  @Test
  void clientIdsAreCompareExactly() {
    assertThat(
            RULE.decide(claims(Map.of("sub", "CI-DEPLOYER", "client_id", "CI-DEPLOYER")))
                .accepted())
        .isFalse();
    assertThat(
            RULE.decide(claims(Map.of("sub", "ci-deployer ", "client_id", "ci-deployer ")))
                .accepted())
        .isFalse();
  }

  @Test
  void keycloakLowerCasesTheServiceAccountName() {
    MachineTokenRule rule = new MachineTokenRule(List.of("azp"), Set.of("CI-Deployer"), CLI);
    assertThat(
            rule.decide(
                    claims(
                        Map.of(
                            "sub", "u",
                            "azp", "CI-Deployer",
                            "preferred_username", "service-account-ci-deployer")))
                .accepted())
        .isTrue();
  }

  @Test
  void aNonStringTypIsAPersonMarker() {
    assertThat(
            RULE.decide(claims(Map.of("sub", "ci-deployer", "client_id", "ci-deployer", "typ", 1)))
                .accepted())
        .isFalse();
  }

  @Test
  void refusalMessagesBoundWhatTheyQuote() {
    String longId = "x".repeat(500) + "\n";
    MachineTokenRule.Verdict v = RULE.decide(claims(Map.of("client_id", longId)));
    assertThat(v.refusal()).doesNotContain("\n").hasSizeLessThan(300);
  }

  @Test
  void needsClientClaims() {
    assertThatThrownBy(() -> new MachineTokenRule(List.of(), Set.of(), CLI))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
