package io.hoop.engine.http.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.http.testing.TestPki;
import io.hoop.tunnel.engine.TargetKind.SectionException;
import io.hoop.tunnel.engine.TargetKind.TargetPlace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpTargetKindTest {
  private static final TargetPlace PLACE =
      new TargetPlace("targets[2]", "api", "api.internal", 443, null);
  @TempDir Path dir;
  private Path ca;
  private Path token;
  private TestPki pki;

  @BeforeEach
  void files() throws Exception {
    pki = TestPki.create(dir, "ca");
    ca = pki.ca.certPem();
    token = secret("token", "tok-123\n");
  }

  private Path secret(String name, String value) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, value);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  private Map<String, Object> section() {
    Map<String, Object> role = new LinkedHashMap<>();
    role.put("tokenFile", token.toString());
    role.put(
        "rules", List.of(Map.of("methods", List.of("GET"), "path", "/api/**", "action", "allow")));
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("caFile", ca.toString());
    s.put("roles", new LinkedHashMap<>(Map.of("ops", role)));
    return s;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> role(Map<String, Object> s) {
    return (Map<String, Object>) ((Map<String, Object>) s.get("roles")).get("ops");
  }

  private static HttpTarget parse(Object raw) throws SectionException {
    return (HttpTarget) new HttpTargetKind().parse(PLACE, raw);
  }

  private static void fails(Object raw, String message) {
    assertThatThrownBy(() -> parse(raw))
        .isInstanceOf(SectionException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void parsesAValidSection() throws Exception {
    Map<String, Object> s = section();
    s.put(
        "masking",
        List.of(Map.of("field", "ssn", "style", "partial"), Map.of("pointer", "/a/*/b~1c~0d")));
    s.put("detectors", List.of("email"));
    HttpTarget t = parse(s);
    assertThat(t.tls()).isTrue();
    assertThat(t.serverName()).isEqualTo("api.internal");
    assertThat(t.hostHeader()).isEqualTo("api.internal");
    assertThat(t.defaultRole()).isEqualTo("ops");
    assertThat(t.detectors().detectors()).containsExactly(io.hoop.detect.BuiltinDetector.EMAIL);
    assertThat(t.detectors().style()).isEqualTo(MaskStyle.REDACT);
    assertThat(t.roleNames()).containsExactly("ops");
    HttpRole ops = t.roles().get("ops");
    assertThat(ops.credential()).isEqualTo(new Credential.Bearer("tok-123"));
    assertThat(ops.credential().toString()).doesNotContain("tok-123");
    assertThat(t.toString()).doesNotContain("tok-123");
    assertThat(ops.defaultAction()).isEqualTo(RuleAction.DENY);
    assertThat(ops.rules().get(0).key()).isEqualTo("roles.ops.rules[0]");
    assertThat(t.masking().get(1).pointer()).containsExactly("a", "*", "b/c~d");
    assertThat(t.masking().get(0).style()).isEqualTo(MaskStyle.PARTIAL);
  }

  @Test
  void credentialsOfEachKind() throws Exception {
    Map<String, Object> s = section();
    role(s).remove("tokenFile");
    role(s).put("basic", Map.of("user", "svc", "passwordFile", secret("pw", "p4ss").toString()));
    assertThat(parse(s).roles().get("ops").credential().headerValue())
        .isEqualTo("Basic c3ZjOnA0c3M=");
    role(s).remove("basic");
    role(s).put("header", Map.of("name", "X-Api-Key", "valueFile", secret("key", "k1").toString()));
    assertThat(parse(s).roles().get("ops").credential())
        .isEqualTo(new Credential.Header("X-Api-Key", "k1"));
    role(s).remove("header");
    TestPki.Issued client = pki.issue("client");
    role(s)
        .put(
            "clientCert",
            Map.of("certFile", client.certPem().toString(), "keyFile", client.keyPem().toString()));
    assertThat(parse(s).roles().get("ops").credential())
        .isInstanceOf(Credential.ClientCertificate.class);
  }

  @Test
  void errorsNameTheKey() throws Exception {
    fails(null, "targets[2].http: missing");
    Map<String, Object> s = section();
    s.remove("caFile");
    fails(s, "targets[2].http.caFile: missing");
    s = section();
    s.put("tls", false);
    fails(s, "targets[2].http.caFile: set with tls: false");
    s.remove("caFile");
    assertThat(parse(s).tls()).isFalse();
    assertThat(parse(s).hostHeader()).isEqualTo("api.internal:443");

    s = section();
    Path open = dir.resolve("open");
    Files.writeString(open, "t");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    role(s).put("tokenFile", open.toString());
    fails(s, "targets[2].http.roles.ops.tokenFile: '" + open + "' is readable by group or others");
    role(s).put("tokenFile", dir.resolve("missing").toString());
    fails(s, "targets[2].http.roles.ops.tokenFile: ");
    role(s).put("tokenFile", secret("crlf", "a\r\nX-Injected: 1").toString());
    fails(s, "targets[2].http.roles.ops.tokenFile: the value has a control character");

    s = section();
    role(s).put("header", Map.of("name", "Host", "valueFile", token.toString()));
    fails(s, "targets[2].http.roles.ops: several credentials [header, tokenFile]");
    role(s).remove("tokenFile");
    fails(s, "targets[2].http.roles.ops.header.name: 'Host' is not a header name");
    role(s).remove("header");
    fails(s, "targets[2].http.roles.ops: no credential");

    s = section();
    role(s)
        .put("rules", List.of(Map.of("methods", List.of("get"), "path", "/a", "action", "allow")));
    fails(s, "targets[2].http.roles.ops.rules[0].methods[0]: 'get' is not an upper-case method");
    role(s)
        .put("rules", List.of(Map.of("methods", List.of("GET"), "path", "a", "action", "allow")));
    fails(s, "targets[2].http.roles.ops.rules[0].path: path glob 'a' must start with '/'");
    role(s)
        .put("rules", List.of(Map.of("methods", List.of("GET"), "path", "/a", "action", "maybe")));
    fails(s, "targets[2].http.roles.ops.rules[0].action: 'maybe' is not allow, deny or review");
    role(s)
        .put(
            "rules",
            List.of(Map.of("methods", List.of("GET"), "path", "/a", "action", "allow", "x", 1)));
    fails(s, "targets[2].http.roles.ops.rules[0].x: unknown key");
    role(s).put("rules", List.of());
    role(s).put("default", "sometimes");
    fails(s, "targets[2].http.roles.ops.default: 'sometimes' is not allow or deny");

    s = section();
    s.put("masking", List.of(Map.of("field", "a", "pointer", "/b")));
    fails(s, "targets[2].http.masking[0]: expected exactly one of field");
    s.put("masking", List.of(Map.of("pointer", "b")));
    fails(s, "targets[2].http.masking[0].pointer: 'b' is not a JSON pointer");
    s.put("masking", List.of(Map.of("field", "a", "style", "blur")));
    fails(s, "targets[2].http.masking[0].style: 'blur' is not a style");
    s.put("masking", List.of());
    s.put("detectors", List.of("telephone"));
    fails(
        s,
        "targets[2].http.detectors[0]: 'telephone' is not a content detector; expected one of [");
    s.put("detectors", List.of(Map.of("name", "x")));
    fails(s, "targets[2].http.detectors[0]: a map is not a content detector");
    s.put("detectors", List.of());
    s.put("detectorStyle", "blur");
    fails(s, "targets[2].http.detectorStyle: 'blur' is not a style");
    s.remove("detectorStyle");
    s.put("customDetectors", List.of(Map.of("name", "emp", "pattern", "(a+)\\1")));
    fails(s, "targets[2].http.customDetectors[0].pattern: pattern is not an RE2");
    s.put("customDetectors", List.of(Map.of("name", "Emp", "pattern", "E[0-9]{6}")));
    fails(s, "targets[2].http.customDetectors[0].name: name 'Emp' is not");
    s.put("customDetectors", List.of(Map.of("name", "email", "pattern", "E[0-9]{6}")));
    fails(s, "targets[2].http.customDetectors[0].name: name 'email' is a built-in");
    s.put("customDetectors", List.of(Map.of("pattern", "E[0-9]{6}")));
    fails(s, "targets[2].http.customDetectors[0].name: missing");
    s.put(
        "customDetectors",
        List.of(Map.of("name", "emp", "pattern", "E[0-9]{6}", "validator", "crc")));
    fails(s, "targets[2].http.customDetectors[0].validator: 'crc' is not a validator");
    s.put("customDetectors", List.of(Map.of("name", "emp", "pattern", "x*")));
    fails(s, "targets[2].http.customDetectors[0].pattern: pattern matches the empty string");
    s.put(
        "customDetectors",
        List.of(
            Map.of("name", "emp", "pattern", "E[0-9]{6}"),
            Map.of("name", "emp", "pattern", "F[0-9]{6}")));
    fails(s, "targets[2].http.customDetectors[1].name: 'emp' names two custom detectors");
    s.put("customDetectors", List.of(Map.of("name", "emp", "pattern", "E1", "colour", "red")));
    fails(s, "targets[2].http.customDetectors[0].colour: unknown key");
    s.remove("customDetectors");

    s = section();
    s.put("caFile", token.toString());
    fails(s, "targets[2].http.caFile: ");
    s = section();
    s.put("reviewTimeoutSeconds", 0);
    fails(s, "targets[2].http.reviewTimeoutSeconds: 0 is out of range");
    s = section();
    s.put("surprise", true);
    fails(s, "targets[2].http.surprise: unknown key");
    Map<String, Object> two = section();
    @SuppressWarnings("unchecked")
    Map<String, Object> roles = (Map<String, Object>) two.get("roles");
    roles.put("viewer", new HashMap<>(role(two)));
    fails(two, "targets[2].http.defaultRole: missing");
    two.put("defaultRole", "admin");
    fails(two, "targets[2].http.defaultRole: 'admin' is not one of the roles [ops, viewer]");
    assertThatThrownBy(
            () ->
                new HttpTargetKind()
                    .parse(new TargetPlace("targets[2]", "api", "h", 1, "tcp"), section()))
        .hasMessageStartingWith("targets[2].engine: 'tcp' is not supported");
  }
}
