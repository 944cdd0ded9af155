package io.hoop.engine.kubernetes.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API server's request-info rules, row by row: method, path and query to verb, group, version,
 * namespace, resource, subresource and name; then the hostile forms, each refused.
 */
class KubeRequestParserTest {

  @ParameterizedTest(name = "{0} {1}?{2} -> {3} {4}/{5} ns={6} {7}/{8} name={9}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      emptyValue = "",
      value = {
        // core group, namespaced
        "GET   |/api/v1/namespaces/default/pods|-|list|''|v1|default|pods|''|''",
        "GET   |/api/v1/namespaces/default/pods/web|-|get|''|v1|default|pods|''|web",
        "HEAD  |/api/v1/namespaces/default/pods/web|-|get|''|v1|default|pods|''|web",
        "POST  |/api/v1/namespaces/default/pods|-|create|''|v1|default|pods|''|''",
        "PUT   |/api/v1/namespaces/default/pods/web|-|update|''|v1|default|pods|''|web",
        "PATCH |/api/v1/namespaces/default/pods/web|-|patch|''|v1|default|pods|''|web",
        "DELETE|/api/v1/namespaces/default/pods/web|-|delete|''|v1|default|pods|''|web",
        "DELETE|/api/v1/namespaces/default/pods|-|deletecollection|''|v1|default|pods|''|''",
        // cluster-wide and cluster-scoped
        "GET   |/api/v1/pods|-|list|''|v1|''|pods|''|''",
        "GET   |/api/v1/secrets|watch=true|watch|''|v1|''|secrets|''|''",
        "GET   |/api/v1/nodes/n1|-|get|''|v1|''|nodes|''|n1",
        // the namespaces resource itself
        "GET   |/api/v1/namespaces|-|list|''|v1|''|namespaces|''|''",
        "GET   |/api/v1/namespaces/prod|-|get|''|v1|prod|namespaces|''|prod",
        "DELETE|/api/v1/namespaces/prod|-|delete|''|v1|prod|namespaces|''|prod",
        "PUT   |/api/v1/namespaces/prod/status|-|update|''|v1|prod|namespaces|status|prod",
        "PUT   |/api/v1/namespaces/prod/finalize|-|update|''|v1|prod|namespaces|finalize|prod",
        // named groups
        "GET   |/apis/apps/v1/namespaces/prod/deployments|-|list|apps|v1|prod|deployments|''|''",
        "PATCH |/apis/apps/v1/namespaces/prod/deployments/api|-|patch|apps|v1|prod|deployments|''|api",
        "PUT   |/apis/apps/v1/namespaces/prod/deployments/api/scale|-|update|apps|v1|prod|deployments|scale|api",
        "GET   |/apis/rbac.authorization.k8s.io/v1/clusterroles/system:admin|-|get|rbac.authorization.k8s.io|v1|''|clusterroles|''|system:admin",
        // subresources
        "GET   |/api/v1/namespaces/ns/pods/web/log|follow=true|get|''|v1|ns|pods|log|web",
        "POST  |/api/v1/namespaces/ns/pods/web/exec|command=ls|create|''|v1|ns|pods|exec|web",
        "GET   |/api/v1/namespaces/ns/pods/web/exec|command=ls|create|''|v1|ns|pods|exec|web",
        "POST  |/api/v1/namespaces/ns/pods/web/attach|-|create|''|v1|ns|pods|attach|web",
        "POST  |/api/v1/namespaces/ns/pods/web/portforward|ports=80|create|''|v1|ns|pods|portforward|web",
        "GET   |/api/v1/namespaces/ns/pods/web/proxy/metrics/x|-|get|''|v1|ns|pods|proxy|web",
        "GET   |/api/v1/namespaces/ns/services/s/proxy/a%2Fb//c/|-|get|''|v1|ns|services|proxy|s",
        // legacy verb prefixes
        "GET   |/api/v1/watch/namespaces/ns/pods|-|watch|''|v1|ns|pods|''|''",
        "GET   |/api/v1/watch/namespaces/ns/pods/web|-|watch|''|v1|ns|pods|''|web",
        "GET   |/api/v1/watch/pods|-|watch|''|v1|''|pods|''|''",
        "GET   |/api/v1/proxy/namespaces/ns/pods/web/any/thing|-|proxy|''|v1|ns|pods|''|web",
        "POST  |/api/v1/proxy/nodes/n1/exec/x|-|proxy|''|v1|''|nodes|''|n1",
        // watch and fieldSelector as the server decodes them
        "GET   |/api/v1/namespaces/ns/secrets|watch=1|watch|''|v1|ns|secrets|''|''",
        "GET   |/api/v1/namespaces/ns/secrets|watch=false|list|''|v1|ns|secrets|''|''",
        "GET   |/api/v1/namespaces/ns/secrets|watch=0|list|''|v1|ns|secrets|''|''",
        "GET   |/api/v1/namespaces/ns/secrets|w%61tch=true|watch|''|v1|ns|secrets|''|''",
        "GET   |/api/v1/namespaces/ns/secrets|Watch=true|list|''|v1|ns|secrets|''|''",
        "GET   |/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3Ddb|list|''|v1|ns|secrets|''|db",
        "GET   |/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3D%3Ddb&watch=true|watch|''|v1|ns|secrets|''|db",
        "GET   |/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name!%3Ddb|list|''|v1|ns|secrets|''|''",
        "GET   |/api/v1/namespaces/ns/secrets|fieldSelector=type%3DOpaque,metadata.name%3Ddb|list|''|v1|ns|secrets|''|db",
        "GET   |/api/v1/namespaces/ns/secrets|labelSelector=a%3Db&limit=500|list|''|v1|ns|secrets|''|''",
      })
  void readsAsTheApiServer(
      String method,
      String path,
      String query,
      String verb,
      String group,
      String version,
      String namespace,
      String resource,
      String subresource,
      String name)
      throws KubeRequestException {
    KubeRequest r = KubeRequestParser.parse(method, path, query);
    assertThat(r.resourceRequest()).isTrue();
    assertThat(r.verb()).isEqualTo(verb);
    assertThat(r.apiGroup()).isEqualTo(group);
    assertThat(r.apiVersion()).isEqualTo(version);
    assertThat(r.namespace()).isEqualTo(namespace);
    assertThat(r.resource()).isEqualTo(resource);
    assertThat(r.subresource()).isEqualTo(subresource);
    assertThat(r.name()).isEqualTo(name);
    assertThat(r.path()).isEqualTo(path);
  }

  @ParameterizedTest(name = "{0} {1} is a non-resource request")
  @CsvSource(
      delimiter = '|',
      value = {
        "GET|/",
        "GET|/api",
        "GET|/api/v1",
        "GET|/apis",
        "GET|/apis/apps",
        "GET|/apis/apps/v1",
        "GET|/version",
        "GET|/healthz",
        "GET|/openapi/v2",
        "GET|/openapi/v3/apis/apps/v1",
        "GET|/API/v1/namespaces/ns/secrets",
        "GET|/Api/v1/secrets",
        "POST|/logs/x",
      })
  void nonResource(String method, String path) throws KubeRequestException {
    KubeRequest r = KubeRequestParser.parse(method, path, null);
    assertThat(r.resourceRequest()).isFalse();
    assertThat(r.verb()).isEqualTo(method.toLowerCase(java.util.Locale.ROOT));
    assertThat(r.resource()).isEmpty();
    assertThat(r.path()).isEqualTo(path);
  }

  @ParameterizedTest(name = "{0} {1}?{2} refused")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // encoded slashes and other escapes in interpreted segments
        "GET|/api/v1/namespaces/ns%2Fsecrets|-",
        "GET|/api/v1/namespaces/ns/secrets%2Fdb|-",
        "GET|/api/v1/namespaces/ns/secrets%2fdb|-",
        "GET|/api/v1/namespaces/ns/pods/web%2Fexec|-",
        "GET|/api/v1/namespaces/%70rod/secrets|-",
        "GET|/api%2Fv1/secrets|-",
        "GET|/apis/apps/v1/namespaces/ns/deploy%6dents|-",
        "GET|/ver%73ion|-",
        // dot segments, anywhere
        "GET|/api/v1/namespaces/ns/pods/../secrets|-",
        "GET|/api/v1/namespaces/ns/pods/./x|-",
        "GET|/api/v1/namespaces/../secrets|-",
        "GET|/api/v1/namespaces/ns/services/s/proxy/../../secrets|-",
        "GET|/apis/../api/v1/secrets|-",
        // double and trailing slashes before a proxied tail
        "GET|//api/v1/secrets|-",
        "GET|/api//v1/secrets|-",
        "GET|/api/v1//secrets|-",
        "GET|/api/v1/namespaces//secrets|-",
        "GET|/api/v1/namespaces/ns//secrets|-",
        "GET|/api/v1/namespaces/ns/secrets/|-",
        "GET|/api/v1/namespaces/ns/secrets/db/|-",
        "GET|/apis/apps/v1/|-",
        "GET|/version/|-",
        // case the API server keeps lower
        "GET|/api/v1/namespaces/ns/Secrets|-",
        "GET|/api/v1/namespaces/Prod/secrets|-",
        "GET|/apis/Apps/v1/deployments|-",
        "GET|/api/V1/secrets|-",
        "POST|/api/v1/namespaces/ns/pods/web/Exec|-",
        // query tricks
        "GET|/api/v1/namespaces/ns/secrets|watch=true&watch=false",
        "GET|/api/v1/namespaces/ns/secrets|watch=",
        "GET|/api/v1/namespaces/ns/secrets|watch",
        "GET|/api/v1/namespaces/ns/secrets|watch=yes",
        "GET|/api/v1/namespaces/ns/secrets|watch=TRUE",
        "GET|/api/v1/namespaces/ns/secrets|watch=true;x=1",
        "GET|/api/v1/namespaces/ns/secrets|watch=%ZZ",
        "GET|/api/v1/namespaces/ns/secrets|watch=%",
        "GET|/api/v1/namespaces/ns/secrets/db|watch=true",
        "POST|/api/v1/namespaces/ns/secrets|watch=true",
        "GET|/api/v1/watch/namespaces/ns/secrets|watch=false",
        "GET|/version|watch=true",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3Da&fieldSelector=metadata.name%3Db",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3Da,metadata.name%3Db",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3Da%5C,b",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=+metadata.name%3Da",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3D..",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name%3Da%2Fb",
        "GET|/api/v1/namespaces/ns/secrets|fieldSelector=metadata.name",
        "GET|/api/v1/namespaces/ns/pods/web/log|follow=true&follow=false",
        "GET|/api/v1/namespaces/ns/secrets|x=%FF",
        // verbs and shapes the server does not serve
        "OPTIONS|/api/v1/namespaces/ns/pods|-",
        "get|/api/v1/namespaces/ns/pods|-",
        "CONNECT|/api/v1/namespaces/ns/pods/web/exec|-",
        "PUT|/api/v1/namespaces/ns/pods/web/exec|-",
        "POST|/api/v1/watch/namespaces/ns/pods|-",
        "GET|/api/v1/watch|-",
        "GET|/api/v1/proxy|-",
        "POST|/api/v1/namespaces/ns/pods/web/exec/more|-",
        "GET|/api/v1/namespaces/ns/secrets/db/extra/more|-",
        // characters that read two ways
        "GET|/api/v1/namespaces/ns/secrets\\db|-",
        "GET|/api/v1/namespaces/ns/secrets#x|-",
        "GET|/api/v1/namespaces/ns/secrets?x|-",
        "GET|api/v1/secrets|-",
        "GET|/api/v1/namespaces/ns/sécrets|-",
      })
  void refusesWhatCouldReadTwoWays(String method, String path, String query) {
    assertThatThrownBy(() -> KubeRequestParser.parse(method, path, query))
        .isInstanceOf(KubeRequestException.class)
        .hasMessageNotContaining("null");
  }

  @Test
  void refusesControlCharactersAndOversizedInput() {
    assertThatThrownBy(() -> KubeRequestParser.parse("GET", "/api/v1/pods\u0000x", null))
        .isInstanceOf(KubeRequestException.class);
    assertThatThrownBy(() -> KubeRequestParser.parse("GET", "/api/v1/pods x", null))
        .isInstanceOf(KubeRequestException.class);
    assertThatThrownBy(() -> KubeRequestParser.parse("GET", "/api/v1/" + "p".repeat(9000), null))
        .hasMessageContaining("longer than");
    assertThatThrownBy(
            () -> KubeRequestParser.parse("GET", "/api/v1/pods", "a=" + "b".repeat(40000)))
        .hasMessageContaining("longer than");
  }

  @Test
  void execCommandIsTheArgvInOrderDecoded() throws KubeRequestException {
    KubeRequest r =
        KubeRequestParser.parse(
            "POST",
            "/api/v1/namespaces/ns/pods/web/exec",
            "command=sh&container=app&command=-c&command=rm+-rf+%2F%3B+echo%20%27x%27&stdout=true");
    assertThat(r.command()).containsExactly("sh", "-c", "rm -rf /; echo 'x'");
    assertThat(r.connect()).isTrue();
    assertThat(r.describe()).isEqualTo("create pods/exec web -n ns");
    assertThat(
            KubeRequestParser.parse("GET", "/api/v1/namespaces/ns/pods/web/log", "command=x")
                .command())
        .isEmpty();
  }

  @Test
  void booleanOptionsAreReadAsTheApiServerConvertsThem() throws KubeRequestException {
    // Convert_Slice_string_To_bool: the first value decides; only "0" and "false" are false
    for (String q :
        new String[] {"tty=true", "tty=1", "tty=", "tty", "tty=yes", "tty=TRUE&tty=0"}) {
      assertThat(KubeRequestParser.option(q, "tty")).as(q).isTrue();
    }
    for (String q : new String[] {"tty=false", "tty=FaLsE", "tty=0", "tty=%30", "stdin=true", ""}) {
      assertThat(KubeRequestParser.option(q, "tty")).as(q).isFalse();
    }
    assertThat(KubeRequestParser.option(null, "tty")).isFalse();
    assertThatThrownBy(() -> KubeRequestParser.option("tty=%zz", "tty"))
        .isInstanceOf(KubeRequestException.class);
  }

  @Test
  void logFollow() throws KubeRequestException {
    assertThat(
            KubeRequestParser.parse("GET", "/api/v1/namespaces/ns/pods/web/log", "follow=true")
                .follow())
        .isTrue();
    assertThat(KubeRequestParser.parse("GET", "/api/v1/namespaces/ns/pods/web/log", null).follow())
        .isFalse();
    assertThatThrownBy(
            () -> KubeRequestParser.parse("GET", "/api/v1/namespaces/ns/pods/web/log", "follow=on"))
        .isInstanceOf(KubeRequestException.class);
  }

  @Test
  void impersonationHeadersAreRefusedInAnyCase() {
    for (String h :
        List.of(
            "Impersonate-User",
            "impersonate-group",
            "IMPERSONATE-UID",
            "Impersonate-Extra-scopes")) {
      assertThatThrownBy(() -> RequestHeaders.check(List.of("Accept", h)))
          .isInstanceOf(KubeRequestException.class)
          .hasMessageContaining("impersonation");
    }
  }

  @Test
  void describeNamesGroupAndNamespace() throws KubeRequestException {
    assertThat(
            KubeRequestParser.parse("PATCH", "/apis/apps/v1/namespaces/prod/deployments/api", null)
                .describe())
        .isEqualTo("patch deployments.apps api -n prod");
    assertThat(KubeRequestParser.parse("GET", "/version", null).describe())
        .isEqualTo("get /version");
  }
}
