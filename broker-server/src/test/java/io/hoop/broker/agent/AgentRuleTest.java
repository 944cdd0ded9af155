package io.hoop.broker.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Who may serve which agent name: exactly token:agent:NAME, admin-minted and unbound. */
class AgentRuleTest {
  @Test
  void theAgentsOwnAdminTokenServesIt() {
    assertThat(AgentRule.refusal("eu1", "token:agent:eu1", "admin-token", false)).isNull();
  }

  @Test
  void anotherAgentsTokenIsRefusedNamingTheExpectedPrincipal() {
    assertThat(AgentRule.refusal("eu1", "token:agent:eu2", "admin-token", false))
        .contains("token:agent:eu2 may not serve agent eu1")
        .contains("expected token:agent:eu1");
    // prefix and suffix tricks
    assertThat(AgentRule.refusal("eu1", "token:agent:eu1x", "admin-token", false)).isNotNull();
    assertThat(AgentRule.refusal("eu1", "token:agent:eu", "admin-token", false)).isNotNull();
    assertThat(AgentRule.refusal("eu1", "token:eu1", "admin-token", false)).isNotNull();
    assertThat(AgentRule.refusal("eu1", "token:AGENT:eu1", "admin-token", false)).isNotNull();
  }

  @Test
  void aPersonsOrAMachineLoginNeverServesAnAgent() {
    assertThat(AgentRule.refusal("eu1", "token:agent:eu1", "oidc", false))
        .contains("needs the admin-minted token token:agent:eu1");
    assertThat(AgentRule.refusal("eu1", "token:agent:eu1", "client-credentials", false))
        .isNotNull();
    assertThat(AgentRule.refusal("eu1", "token:agent:eu1", "admin-token", true))
        .contains("key-bound");
  }

  @Test
  void malformedNamesAreRefusedPrintably() {
    for (String bad : new String[] {null, "", "EU1", "eu 1", "eu\n1", "a/b", "-x", "é"}) {
      String why = AgentRule.refusal(bad, "token:agent:" + bad, "admin-token", false);
      assertThat(why).as(String.valueOf(bad)).isNotNull().contains("agent name");
      assertThat(why.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
    }
  }
}
