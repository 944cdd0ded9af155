package io.hoop.engine.http.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.http.config.Credential;
import io.hoop.engine.http.config.HttpRole;
import io.hoop.engine.http.config.RequestRule;
import io.hoop.engine.http.config.RuleAction;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestPolicyTest {
  private static final HttpRole ROLE =
      new HttpRole(
          "ops",
          new Credential.Bearer("t"),
          List.of(
              new RequestRule(
                  "roles.ops.rules[0]", Set.of("DELETE"), PathGlob.of("/api/**"), RuleAction.DENY),
              new RequestRule(
                  "roles.ops.rules[1]",
                  Set.of("POST"),
                  PathGlob.of("/api/*/refund"),
                  RuleAction.REVIEW),
              new RequestRule(
                  "roles.ops.rules[2]", Set.of(), PathGlob.of("/api/**"), RuleAction.ALLOW)),
          RuleAction.DENY);

  @Test
  void firstMatchingRuleDecidesElseTheDefault() {
    assertThat(RequestPolicy.decide(ROLE, "DELETE", "/api/x", false))
        .isEqualTo(new RequestPolicy.Verdict(RuleAction.DENY, "roles.ops.rules[0]"));
    assertThat(RequestPolicy.decide(ROLE, "POST", "/api/7/refund", false).action())
        .isEqualTo(RuleAction.REVIEW);
    assertThat(RequestPolicy.decide(ROLE, "POST", "/api/7/8/refund", false).rule())
        .isEqualTo("roles.ops.rules[2]");
    assertThat(RequestPolicy.decide(ROLE, "GET", "/api/", false).action())
        .isEqualTo(RuleAction.ALLOW);
    assertThat(RequestPolicy.decide(ROLE, "GET", "/api", false))
        .isEqualTo(new RequestPolicy.Verdict(RuleAction.DENY, "roles.ops.default"));
    assertThat(RequestPolicy.decide(ROLE, "GET", "/API/x", false).rule())
        .isEqualTo("roles.ops.default");
    assertThat(RequestPolicy.decide(ROLE, "DELETE", "/API/x", true).rule())
        .isEqualTo("roles.ops.rules[0]");
  }

  @Test
  void globs() {
    assertThat(PathGlob.of("/a/*/c").matches("/a/b/c", false)).isTrue();
    assertThat(PathGlob.of("/a/*/c").matches("/a/b/x/c", false)).isFalse();
    assertThat(PathGlob.of("/a/*").matches("/a/", false)).isTrue();
    assertThat(PathGlob.of("/a/**").matches("/a/b/c/d", false)).isTrue();
    assertThat(PathGlob.of("/a.b").matches("/aXb", false)).isFalse();
    assertThat(PathGlob.of("/a(b)?").matches("/a(b)?", false)).isTrue();
    assertThatThrownBy(() -> PathGlob.of("a/**")).hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> PathGlob.of("/***")).hasMessageContaining("'***'");
  }
}
