package io.hoop.engine.kubernetes.masking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hoop.engine.kubernetes.request.KubeRequest;
import io.hoop.engine.kubernetes.request.KubeRequestException;
import io.hoop.engine.kubernetes.request.KubeRequestParser;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plan against the documents an API server sends for Secrets (object, list, Table with and
 * without objects, watch events, watched Tables, the echo of a write, a TokenRequest): after
 * masking, neither the secret nor its base64 appears anywhere in the output.
 */
class SecretMaskingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAIN = "hunter2-database-password";
  private static final String B64 = Base64.getEncoder().encodeToString(PLAIN.getBytes());
  private static final String APPLIED =
      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},"
          + "\"data\":{\"password\":\""
          + B64
          + "\"},\"stringData\":{\"url\":\""
          + PLAIN
          + "\"}}";
  private static final String SECRET =
      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"namespace\":\"prod\","
          + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
          + quote(APPLIED)
          + ",\"team\":\"db\"}},\"type\":\"Opaque\",\"data\":{\"password\":\""
          + B64
          + "\",\"items\":\""
          + B64
          + "\"}}";

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static KubeRequest req(String method, String path, String query) {
    try {
      return KubeRequestParser.parse(method, path, query);
    } catch (KubeRequestException e) {
      throw new AssertionError(e);
    }
  }

  private static String masked(String method, String path, String query, String body)
      throws Exception {
    MaskPlan plan = SecretMasking.plan(req(method, path, query), null, true);
    assertThat(plan.masks()).isTrue();
    String tree;
    if (plan.shape() == MaskPlan.Shape.WATCH_EVENTS) {
      tree = TreeMasker.maskWatch(body, plan.rules());
    } else {
      JsonNode root = JSON.readTree(body);
      TreeMasker.mask(root, plan.rules());
      tree = JSON.writeValueAsString(root);
    }
    // the production path: the http proxy's streaming masker, fed in small chunks
    String streamed = streamed(plan, body);
    assertThat(documents(streamed)).isEqualTo(documents(tree));
    return streamed;
  }

  private static String streamed(MaskPlan plan, String body) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.hoop.engine.http.mask.JsonMasker masker =
        new io.hoop.engine.http.mask.JsonMasker(
            io.hoop.engine.kubernetes.engine.SecretMasks.of(plan), out::write);
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 7) {
      masker.feed(bytes, i, Math.min(7, bytes.length - i));
    }
    masker.finish();
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static java.util.List<JsonNode> documents(String text) throws Exception {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static void assertClean(String out) throws Exception {
    assertThat(out).doesNotContain(PLAIN).doesNotContain(B64);
    // and kubectl can still decode every data value as base64
    assertThat(out).contains(MaskRule.BASE64_TEXT);
  }

  @Test
  void object() throws Exception {
    String out = masked("GET", "/api/v1/namespaces/prod/secrets/db", null, SECRET);
    assertClean(out);
    JsonNode n = JSON.readTree(out);
    assertThat(n.at("/data/password").asText()).isEqualTo(MaskRule.BASE64_TEXT);
    assertThat(n.at("/metadata/annotations/team").asText()).isEqualTo("db");
    assertThat(n.at("/metadata/name").asText()).isEqualTo("db");
    // the annotation stays a JSON document kubectl apply can merge with
    JsonNode applied =
        JSON.readTree(
            n.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
                .asText());
    assertThat(applied.at("/data/password").asText()).isEqualTo(MaskRule.BASE64_TEXT);
    assertThat(applied.at("/stringData/url").asText()).isEqualTo(MaskRule.TEXT);
    assertThat(new String(Base64.getDecoder().decode(MaskRule.BASE64_TEXT)))
        .isEqualTo(MaskRule.TEXT);
  }

  @ParameterizedTest(name = "{0} {1}?{2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "PUT|/api/v1/namespaces/prod/secrets/db|-",
        "PATCH|/api/v1/namespaces/prod/secrets/db|-",
        "POST|/api/v1/namespaces/prod/secrets|-",
        "DELETE|/api/v1/namespaces/prod/secrets/db|-",
      })
  void echoOfWrites(String method, String path, String query) throws Exception {
    assertClean(masked(method, path, query, SECRET));
  }

  @Test
  void list() throws Exception {
    String list = "{\"kind\":\"SecretList\",\"items\":[" + SECRET + "," + SECRET + "]}";
    assertClean(masked("GET", "/api/v1/secrets", null, list));
    assertClean(masked("DELETE", "/api/v1/namespaces/prod/secrets", null, list));
  }

  @Test
  void tables() throws Exception {
    String withObjects =
        "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"columnDefinitions\":[],"
            + "\"rows\":[{\"cells\":[\"db\",\"Opaque\",2,\"1d\"],\"object\":"
            + SECRET
            + "}]}";
    assertClean(
        masked("GET", "/api/v1/namespaces/prod/secrets", "includeObject=Object", withObjects));
    String metadataOnly =
        "{\"kind\":\"Table\",\"rows\":[{\"cells\":[\"db\"],\"object\":{\"kind\":\"PartialObjectMetadata\","
            + "\"metadata\":{\"name\":\"db\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
            + quote(APPLIED)
            + "}}}}]}";
    String out = masked("GET", "/api/v1/namespaces/prod/secrets", null, metadataOnly);
    assertThat(out).doesNotContain(PLAIN).doesNotContain(B64);
  }

  @Test
  void watchEvents() throws Exception {
    String table = "{\"kind\":\"Table\",\"rows\":[{\"cells\":[\"db\"],\"object\":" + SECRET + "}]}";
    String stream =
        "{\"type\":\"ADDED\",\"object\":"
            + SECRET
            + "}\n{\"type\":\"MODIFIED\",\"object\":"
            + SECRET
            + "}\n{\"type\":\"ADDED\",\"object\":"
            + table
            + "}\n{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Secret\",\"metadata\":{\"resourceVersion\":\"9\"}}}\n";
    String out = masked("GET", "/api/v1/namespaces/prod/secrets", "watch=true", stream);
    assertClean(out);
    assertThat(out.split("\n")).hasSize(4);
    assertClean(masked("GET", "/api/v1/watch/secrets", null, stream));
  }

  @Test
  void serviceAccountToken() throws Exception {
    String tr =
        "{\"kind\":\"TokenRequest\",\"spec\":{\"audiences\":[\"x\"]},\"status\":{\"token\":\""
            + PLAIN
            + "\",\"expirationTimestamp\":\"2026-12-07T08:00:00Z\"}}";
    MaskPlan plan =
        SecretMasking.plan(
            req("POST", "/api/v1/namespaces/ns/serviceaccounts/sa/token", null), null, true);
    JsonNode n = JSON.readTree(tr);
    assertThat(TreeMasker.mask(n, plan.rules())).isEqualTo(1);
    assertThat(JSON.writeValueAsString(n)).doesNotContain(PLAIN).contains("expirationTimestamp");
  }

  @Test
  void configMapValuesAndPodLogsGoThroughTheDetectorsWhenTheTargetHasThem() throws Exception {
    io.hoop.engine.http.config.ContentDetectors detectors =
        new io.hoop.engine.http.config.ContentDetectors(
            java.util.List.of(io.hoop.detect.BuiltinDetector.EMAIL),
            io.hoop.engine.http.config.MaskStyle.REDACT);
    String b64 =
        java.util.Base64.getEncoder()
            .encodeToString("to: a@b.example".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String binary =
        java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, '@', 'x', '.', 'y'});
    String applied =
        "{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"c@d.example\"},\"binaryData\":{\"b\":\""
            + b64
            + "\"}}";
    String cm =
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"annotations\":{"
            + quote(SecretMasking.LAST_APPLIED)
            + ":"
            + quote(applied)
            + ",\"owner\":\"e@f.example\"}},"
            + "\"data\":{\"k\":\"mail a@b.example\",\"n\":\"none\"},"
            + "\"binaryData\":{\"b\":\""
            + b64
            + "\",\"bin\":\""
            + binary
            + "\"}}";
    for (String[] call :
        new String[][] {
          {"/api/v1/namespaces/x/configmaps/x", null, cm},
          {"/api/v1/namespaces/x/configmaps", null, "{\"items\":[" + cm + "]}"},
          {
            "/api/v1/namespaces/x/configmaps",
            "watch=1",
            "{\"type\":\"ADDED\",\"object\":" + cm + "}"
          }
        }) {
      MaskPlan plan = SecretMasking.plan(req("GET", call[0], call[1]), null, true, true);
      assertThat(plan.masks()).isTrue();
      assertThat(plan.requireJson()).isTrue();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      io.hoop.engine.http.mask.JsonMasker masker =
          new io.hoop.engine.http.mask.JsonMasker(
              io.hoop.engine.kubernetes.engine.SecretMasks.of(plan, detectors, new byte[32]),
              out::write);
      byte[] bytes = call[2].getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i += 5) {
        masker.feed(bytes, i, Math.min(5, bytes.length - i));
      }
      masker.finish();
      String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
      String maskedB64 =
          java.util.Base64.getEncoder()
              .encodeToString("to: ****".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(text)
          .as(call[0])
          .doesNotContain("a@b.example", "c@d.example", b64)
          .contains("\"k\":\"mail ****\"", "\"n\":\"none\"", "\"b\":\"" + maskedB64 + "\"")
          .contains("\"bin\":\"" + binary + "\"")
          // only values are scanned: an annotation of the ConfigMap's own is not (metadata)
          .contains("e@f.example");
      // data, binaryData and the last-applied annotation (whose copy is masked inside)
      assertThat(masker.masked()).isEqualTo(3);
      JsonNode root = JSON.readTree(text);
      JsonNode object = root.has("items") ? root.get("items").get(0) : root.path("object");
      if (object.isMissingNode()) {
        object = root;
      }
      String lastApplied =
          object.get("metadata").get("annotations").get(SecretMasking.LAST_APPLIED).asText();
      assertThat(JSON.readTree(lastApplied).get("data").get("k").asText()).isEqualTo("****");
      assertThat(JSON.readTree(lastApplied).get("binaryData").get("b").asText())
          .isEqualTo(maskedB64);
    }
    // without detectors ConfigMaps pass; a role that does not mask secrets still gets detectors
    assertThat(
            SecretMasking.plan(req("GET", "/api/v1/namespaces/x/configmaps", null), null, true)
                .masks())
        .isFalse();
    assertThat(
            SecretMasking.plan(
                    req("GET", "/api/v1/namespaces/x/configmaps", null), null, false, true)
                .masks())
        .isTrue();
    assertThat(SecretMasking.podLog(req("GET", "/api/v1/namespaces/x/pods/p/log", "follow=true")))
        .isTrue();
    assertThat(SecretMasking.podLog(req("GET", "/api/v1/namespaces/x/pods/p", null))).isFalse();
    assertThat(SecretMasking.podLog(req("GET", "/api/v1/namespaces/x/pods/p/exec", null)))
        .isFalse();
  }

  @Test
  void otherRequestsAndUnmaskedRolesPassUntouched() {
    assertThat(
            SecretMasking.plan(req("GET", "/api/v1/namespaces/x/configmaps", null), null, true)
                .masks())
        .isFalse();
    assertThat(SecretMasking.plan(req("GET", "/api/v1/namespaces/x/secrets", null), null, false))
        .isEqualTo(MaskPlan.none());
    assertThat(SecretMasking.plan(req("GET", "/version", null), null, true).masks()).isFalse();
    assertThat(
            SecretMasking.plan(
                    req("GET", "/api/v1/namespaces/x/serviceaccounts/sa", null), null, true)
                .masks())
        .isFalse();
  }

  @ParameterizedTest(name = "Accept {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "-|application/json",
        "application/vnd.kubernetes.protobuf|application/json",
        "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io|application/json",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json|application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        "application/vnd.kubernetes.protobuf,application/json|application/json",
        "application/yaml|application/json",
        "*/*|application/json",
        "Application/JSON|Application/JSON",
      })
  void acceptIsJsonOnly(String accept, String expected) {
    MaskPlan plan =
        SecretMasking.plan(req("GET", "/api/v1/namespaces/x/secrets", null), accept, true);
    assertThat(plan.accept()).isEqualTo(expected);
    assertThat(plan.identityEncoding()).isTrue();
    assertThat(plan.requireJson()).isTrue();
  }

  @Test
  void pointersAreRfc6901() {
    assertThat(
            new MaskRule(
                    java.util.List.of("metadata", "annotations", SecretMasking.LAST_APPLIED, "a~b"),
                    MaskRule.Replacement.STRING)
                .pointer())
        .isEqualTo("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration/a~0b");
  }
}
