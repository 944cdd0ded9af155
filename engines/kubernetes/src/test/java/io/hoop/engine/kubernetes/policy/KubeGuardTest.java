package io.hoop.engine.kubernetes.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.Decision;
import io.hoop.engine.ssh.policy.ExecPolicy;
import io.hoop.engine.ssh.policy.ExecRule;
import io.hoop.engine.ssh.policy.Glob;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The brief's example policy, then precedence, absent names and namespaces, and exec. */
class KubeGuardTest {
  private static final ExecPolicy NO_RM =
      new ExecPolicy(
          List.of(ExecRule.of("exec.rules[0]", "rm *", Action.DENY, null)), Action.ALLOW);

  /**
   * Target-wide: no namespace deletes; viewer: no exec or secrets in prod*, deployments patch in
   * prod reviewed.
   */
  private static final KubePolicy VIEWER =
      new KubePolicy(
          List.of(
              rule(
                  "rules[0]",
                  Action.DENY,
                  Set.of("delete", "deletecollection"),
                  "namespaces",
                  "",
                  ""),
              rule("viewer.rules[0]", Action.DENY, Set.of(), "pods/exec", "prod*", ""),
              rule(
                  "viewer.rules[1]",
                  Action.DENY,
                  Set.of("get", "list", "watch"),
                  "secrets",
                  "prod*",
                  ""),
              rule("viewer.rules[2]", Action.REVIEW, Set.of("patch"), "deployments", "prod", ""),
              rule("viewer.rules[3]", Action.ALLOW, Set.of(), "*", "", "")),
          Action.DENY,
          NO_RM);

  static KubeRule rule(
      String id, Action action, Set<String> verbs, String resource, String namespace, String name) {
    return new KubeRule(
        id,
        action,
        verbs,
        List.of(),
        resource.isEmpty() ? List.of() : List.of(Glob.path(resource)),
        namespace.isEmpty() ? List.of() : List.of(Glob.of(namespace)),
        name.isEmpty() ? List.of() : List.of(Glob.of(name)),
        List.of(),
        null);
  }

  private static Decision decide(String method, String path, String query, KubePolicy p) {
    return KubeGuard.decide(method, path, query, List.of(), p).decision();
  }

  @ParameterizedTest(name = "{0} {1}?{2} -> {3} by {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "GET   |/api/v1/namespaces/prod/secrets|-|DENY|viewer.rules[1]",
        "GET   |/api/v1/namespaces/prod-eu/secrets/db|-|DENY|viewer.rules[1]",
        "GET   |/api/v1/namespaces/prod/secrets|watch=true|DENY|viewer.rules[1]",
        "GET   |/api/v1/watch/namespaces/prod/secrets|-|DENY|viewer.rules[1]",
        "GET   |/api/v1/namespaces/prod/secrets|fieldSelector=metadata.name%3Ddb|DENY|viewer.rules[1]",
        // cluster-wide lists include prod's secrets
        "GET   |/api/v1/secrets|-|DENY|viewer.rules[1]",
        "GET   |/api/v1/secrets|watch=1|DENY|viewer.rules[1]",
        "GET   |/api/v1/namespaces/dev/secrets|-|ALLOW|viewer.rules[3]",
        "POST  |/api/v1/namespaces/prod/pods/web/exec|command=ls|DENY|viewer.rules[0]",
        "GET   |/api/v1/namespaces/prod/pods/web/exec|command=ls|DENY|viewer.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=ls|ALLOW|viewer.rules[3]",
        "DELETE|/api/v1/namespaces/dev|-|DENY|rules[0]",
        "DELETE|/api/v1/namespaces|-|DENY|rules[0]",
        "PATCH |/apis/apps/v1/namespaces/prod/deployments/api|-|REVIEW|viewer.rules[2]",
        "PATCH |/apis/apps/v1/namespaces/prod-eu/deployments/api|-|ALLOW|viewer.rules[3]",
        // deny beats review and allow wherever they sit
        "GET   |/version|-|ALLOW|discovery",
        "GET   |/apis/apps/v1|-|ALLOW|discovery",
        "GET   |/metrics|-|DENY|default",
        "GET   |/api/v1/namespaces/prod/secrets%2Fdb|-|DENY|request.unparseable",
        "GET   |/api/v1/namespaces/prod/pods/../secrets|-|DENY|request.unparseable",
        "GET   |/api/v1/namespaces/prod/secrets|watch=true&watch=false|DENY|request.unparseable",
        // exec commands under the ssh command rules
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=rm&command=-rf&command=%2F|DENY|exec.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=sh&command=-c&command=cd+%2F%3B+rm+-rf+x|DENY|exec.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=%2Fbin%2Frm&command=x|DENY|exec.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=echo&command=rm+x|ALLOW|viewer.rules[3]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=echo&command=%27%3B+rm+x|ALLOW|viewer.rules[3]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|-|DENY|exec.unparseable",
        // hostile encodings of the argv: escaped letters, a repeated key split around others, a
        // shell reached through env, a NUL, a bad escape, a ';' Go would drop with its pair
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=%72%6D&command=-rf&command=x|DENY|exec.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=rm&stdout=true&command=x|DENY|exec.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=sh&command=-c&command=rm%09x|DENY|exec.rules[0]",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=rm%00&command=x|DENY|exec.unparseable",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=r%6&command=x|DENY|request.unparseable",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=ls;command=rm|DENY|request.unparseable",
        "POST  |/api/v1/namespaces/dev/pods/web/exec|command=sh&command=-c&command=%24%28echo+rm%29+x|DENY|exec.unparseable",
        "POST  |/api/v1/namespaces/dev/pods/web/attach|-|DENY|exec.attach",
      })
  void viewer(String method, String path, String query, Action action, String rule) {
    Decision d = decide(method, path, query, VIEWER);
    assertThat(d.action()).as(d.message()).isEqualTo(action);
    assertThat(d.rule()).isEqualTo(rule);
  }

  @Test
  void denyWinsOverReviewAndAllowInAnyOrder() {
    KubeRule allow = rule("a", Action.ALLOW, Set.of(), "secrets", "", "");
    KubeRule review = rule("r", Action.REVIEW, Set.of(), "secrets", "", "");
    KubeRule deny = rule("d", Action.DENY, Set.of(), "secrets", "", "");
    for (List<KubeRule> order :
        List.of(
            List.of(allow, review, deny),
            List.of(deny, review, allow),
            List.of(review, allow, deny))) {
      KubePolicy p = new KubePolicy(order, Action.ALLOW, ExecPolicy.allowAll());
      assertThat(decide("GET", "/api/v1/namespaces/x/secrets", null, p).rule()).isEqualTo("d");
    }
    KubePolicy p = new KubePolicy(List.of(allow, review), Action.ALLOW, ExecPolicy.allowAll());
    assertThat(decide("GET", "/api/v1/namespaces/x/secrets", null, p).action())
        .isEqualTo(Action.REVIEW);
  }

  @Test
  void absentNameOrNamespaceMatchesDenyButNotAllow() {
    KubeRule denyDb = rule("d", Action.DENY, Set.of(), "secrets", "", "db*");
    KubeRule allowWeb = rule("a", Action.ALLOW, Set.of(), "secrets", "dev", "web");
    KubePolicy p = new KubePolicy(List.of(denyDb, allowWeb), Action.DENY, ExecPolicy.allowAll());
    // a list may return db: denied by the name rule
    assertThat(decide("GET", "/api/v1/namespaces/dev/secrets", null, p).rule()).isEqualTo("d");
    // a list narrowed to web by fieldSelector is a request for web
    assertThat(
            decide("GET", "/api/v1/namespaces/dev/secrets", "fieldSelector=metadata.name%3Dweb", p)
                .action())
        .isEqualTo(Action.ALLOW);
    assertThat(decide("GET", "/api/v1/namespaces/dev/secrets/web", null, p).action())
        .isEqualTo(Action.ALLOW);
    // allow names dev only: a cluster-wide get of web is not vouched for
    assertThat(decide("GET", "/api/v1/secrets", "fieldSelector=metadata.name%3Dweb", p).rule())
        .isEqualTo("default");
    // create names nothing in its path: the deny by name holds it
    assertThat(decide("POST", "/api/v1/namespaces/dev/secrets", null, p).rule()).isEqualTo("d");
  }

  @Test
  void resourceGlobsFollowRbacShapes() {
    KubeRule podsOnly = rule("p", Action.DENY, Set.of(), "pods", "", "");
    KubeRule anySub = rule("s", Action.DENY, Set.of(), "pods/*", "", "");
    KubeRule anyExec = rule("e", Action.DENY, Set.of(), "*/exec", "", "");
    KubeRule all = rule("all", Action.DENY, Set.of(), "*", "", "");
    String exec = "/api/v1/namespaces/x/pods/w/exec";
    assertThat(podsOnly.matches(req("POST", exec))).isFalse();
    assertThat(podsOnly.matches(req("GET", "/api/v1/namespaces/x/pods/w"))).isTrue();
    assertThat(anySub.matches(req("POST", exec))).isTrue();
    assertThat(anySub.matches(req("GET", "/api/v1/namespaces/x/pods/w"))).isFalse();
    assertThat(anyExec.matches(req("POST", exec))).isTrue();
    assertThat(all.matches(req("POST", exec))).isTrue();
    assertThat(all.matches(req("GET", "/version"))).isFalse();
  }

  @Test
  void nonResourcePathsOnlyByPathRules() {
    KubeRule metrics =
        new KubeRule(
            "m",
            Action.ALLOW,
            Set.of("get"),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(Glob.path("/metrics")),
            null);
    KubeRule denyVersion =
        new KubeRule(
            "v",
            Action.DENY,
            Set.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(Glob.path("/version")),
            "no version for you");
    KubePolicy p =
        new KubePolicy(List.of(metrics, denyVersion), Action.DENY, ExecPolicy.allowAll());
    assertThat(decide("GET", "/metrics", null, p).action()).isEqualTo(Action.ALLOW);
    assertThat(decide("POST", "/metrics", null, p).action()).isEqualTo(Action.DENY);
    Decision v = decide("GET", "/version", null, p);
    assertThat(v.rule()).isEqualTo("v");
    assertThat(v.message()).startsWith("denied: no version for you");
    assertThat(decide("GET", "/METRICS", null, p).rule()).isEqualTo("default");
  }

  @Test
  void impersonationIsDeniedAsUnparseable() {
    KubePolicy open = new KubePolicy(List.of(), Action.ALLOW, ExecPolicy.allowAll());
    Decision d =
        KubeGuard.decide("GET", "/api/v1/pods", null, List.of("Impersonate-User"), open).decision();
    assertThat(d.action()).isEqualTo(Action.DENY);
    assertThat(d.rule()).isEqualTo(KubeGuard.UNPARSEABLE);
  }

  @Test
  void shellLineQuotesEveryWord() {
    assertThat(KubeGuard.shellLine(List.of("echo", "it's", "$(rm x)")))
        .isEqualTo("'echo' 'it'\\''s' '$(rm x)'");
  }

  private static io.hoop.engine.kubernetes.request.KubeRequest req(String method, String path) {
    try {
      return io.hoop.engine.kubernetes.request.KubeRequestParser.parse(method, path, null);
    } catch (io.hoop.engine.kubernetes.request.KubeRequestException e) {
      throw new AssertionError(e);
    }
  }
}
