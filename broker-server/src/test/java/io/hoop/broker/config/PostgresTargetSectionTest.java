package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.postgres.config.PostgresTarget;
import io.hoop.engine.postgres.engine.UpstreamTls;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.UnknownLineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresTargetSectionTest {
  @TempDir Path dir;
  Path ro;
  Path rw;

  @BeforeEach
  void passwords() throws Exception {
    ro = file("ro.pw", "s3cret-ro\n", "rw-------");
    rw = file("rw.pw", "s3cret-rw", "r--------");
  }

  Path file(String name, String content, String mode) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  String yaml(String postgres) {
    return """
        targets:
          - name: prod-db
            type: postgres
            address: 127.0.0.1:5432
        %s
        """
        .formatted(postgres.indent(4).stripTrailing());
  }

  String roles() {
    return """
        postgres:
          database: app
          defaultRole: readonly
          roles:
            readonly: {user: app_ro, passwordFile: %s}
            readwrite: {user: app_rw, passwordFile: %s}
        """
        .formatted(ro, rw);
  }

  PostgresTarget parse(String yaml) throws ConfigException {
    return ConfigLoader.parse("b.yaml", yaml, true).targets().get(0).section()
            instanceof PostgresTarget pg
        ? pg
        : null;
  }

  String error(String yaml) {
    try {
      ConfigLoader.parse("b.yaml", yaml, true);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a config error for\n" + yaml);
  }

  @Test
  void fullSectionParses() throws Exception {
    PostgresTarget pg =
        parse(
            yaml(
                roles()
                    + """
                      tls: {mode: require}
                      guardrails:
                        default: {denyStatements: [DROP, TRUNCATE, COPY PROGRAM], denyFunctions: [pg_read_file, dblink*], denyObjects: ["secret.*"], requireWhere: true}
                        readwrite: {denyStatements: [DROP]}
                      masking:
                        columns: [{column: "public.customers.email", style: partial}, {column: "*.*.ssn", style: redact}]
                        detectors: [email, card, iban, phone, access-key, jwt, private-key]
                        detectorStyle: token
                    """));
    assertThat(pg.protocolAware()).isTrue();
    assertThat(pg.database()).isEqualTo("app");
    assertThat(pg.tls()).isEqualTo(new UpstreamTls(UpstreamTls.Mode.REQUIRE, null));
    assertThat(pg.role(null).orElseThrow().user()).isEqualTo("app_ro");
    assertThat(pg.role("readonly").orElseThrow().password().reveal()).isEqualTo("s3cret-ro");
    assertThat(pg.role("readwrite").orElseThrow().password().reveal()).isEqualTo("s3cret-rw");
    assertThat(pg.role("admin")).isEmpty();
    assertThat(pg.rulesFor("readonly").deniedStatements())
        .containsExactlyInAnyOrder("drop", "truncate", "copy program");
    assertThat(pg.rulesFor("readonly").requireWhere()).isTrue();
    assertThat(pg.rulesFor("readwrite").deniedStatements()).containsExactly("drop");
    assertThat(pg.masking().columns())
        .containsExactly(
            new MaskRule("public.customers.email", MaskStyle.PARTIAL),
            new MaskRule("*.*.ssn", MaskStyle.REDACT));
    assertThat(pg.masking().detectors())
        .containsExactlyInAnyOrder(
            BuiltinDetector.EMAIL,
            BuiltinDetector.PAYMENT_CARD,
            BuiltinDetector.IBAN,
            BuiltinDetector.PHONE,
            BuiltinDetector.AWS_ACCESS_KEY,
            BuiltinDetector.JWT,
            BuiltinDetector.PRIVATE_KEY);
    assertThat(pg.masking().detectorStyle()).isEqualTo(MaskStyle.TOKEN);
    assertThat(pg.masking().withKey(new byte[32]).columns()).hasSize(2);
    assertThat(pg.toString()).doesNotContain("s3cret");
  }

  @Test
  void defaultsWithoutGuardrailsAndEngineChoice() throws Exception {
    PostgresTarget pg = parse(yaml(roles()));
    assertThat(pg.rulesFor(null)).isEqualTo(Rules.defaults());
    assertThat(pg.masking()).isNull();
    assertThat(pg.tls().mode()).isEqualTo(UpstreamTls.Mode.DISABLE);

    assertThat(
            parse(yaml(roles()).replace("    postgres:", "    engine: tcp\n    postgres:"))
                .protocolAware())
        .isFalse();
    // A postgres target without the section stays a raw relay, as before.
    assertThat(parse(yaml(""))).isNull();
    String single = "postgres:\n  roles:\n    ro: {user: app_ro, passwordFile: %s}\n".formatted(ro);
    PostgresTarget one = parse(yaml(single));
    assertThat(one.defaultRole()).isEqualTo("ro");
    assertThat(one.database()).isEqualTo("postgres");
  }

  @Test
  void reviewRulesCustomDetectorsAndUnknownLineageParse() throws Exception {
    PostgresTarget pg =
        parse(
            yaml(
                roles()
                    + """
                      guardrails:
                        readwrite: {denyStatements: [DROP, SET session_authorization], reviewStatements: [DELETE, UPDATE], reviewObjects: [public.orders], reviewFunctions: [pg_terminate_backend], holdTimeout: 2m}
                        readonly: {reviewStatements: [TRUNCATE]}
                      masking:
                        onUnknownLineage: refuse
                        customDetectors: [{name: employee-id, pattern: "EMP-[0-9]{6}", style: partial}, {name: iban-de, pattern: "DE[0-9]{20}", validator: mod97}]
                    """));
    Rules rw = pg.rulesFor("readwrite");
    assertThat(rw.reviewStatements()).containsExactlyInAnyOrder("delete", "update");
    assertThat(rw.reviewObjects()).containsExactly("public.orders");
    assertThat(rw.reviewFunctions()).containsExactly("pg_terminate_backend");
    assertThat(rw.holdTimeout()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(pg.rulesFor("readonly").holdTimeout()).isEqualTo(Rules.DEFAULT_HOLD_TIMEOUT);
    assertThat(pg.masking().onUnknownLineage()).isEqualTo(UnknownLineage.REFUSE);
    assertThat(pg.masking().detectorStyles())
        .containsEntry("employee-id", MaskStyle.PARTIAL)
        .containsEntry("iban-de", MaskStyle.REDACT);
    assertThat(
            parse(yaml(roles() + "  masking: {detectors: [ssn]}\n")).masking().onUnknownLineage())
        .isEqualTo(UnknownLineage.REDACT);
  }

  @Test
  void rulesThatCanNeverMatchAndBadDetectorsAreErrorsNamingTheKey() throws Exception {
    String g = "  guardrails:\n    default: ";
    // The keyword spelling is the parameter it sets, so this rule matches every spelling.
    assertThat(
            parse(yaml(roles() + g + "{denyStatements: [SET SESSION AUTHORIZATION]}\n"))
                .rulesFor(null)
                .deniedStatements())
        .containsExactly("set session_authorization");
    assertThat(error(yaml(roles() + g + "{denyStatements: [DROP, SET LOCAL ROLE]}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.denyStatements[1]: ")
        .contains("never matches");
    assertThat(error(yaml(roles() + g + "{denyStatements: [DROP TABEL]}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.denyStatements[0]: ");
    assertThat(error(yaml(roles() + g + "{reviewStatements: [DELETE FROM orders]}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.reviewStatements[0]: ");
    assertThat(error(yaml(roles() + g + "{denyFunctions: [pg_catalog.pg_read_file]}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.denyFunctions[0]: ")
        .contains("never matches");
    assertThat(error(yaml(roles() + g + "{reviewObjects: [\"db.s.t\"]}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.reviewObjects[0]: ");
    assertThat(error(yaml(roles() + g + "{reviewStatements: [DELETE], holdTimeout: 1s}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.holdTimeout: ")
        .contains("5s to 24h");
    assertThat(error(yaml(roles() + g + "{holdTimeout: soon}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.default.holdTimeout: ");
    String m = "  masking:\n    ";
    assertThat(error(yaml(roles() + m + "onUnknownLineage: pass\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.onUnknownLineage: 'pass' is not");
    assertThat(error(yaml(roles() + m + "customDetectors: [{name: x, pattern: \"(a)\\\\1\"}]\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.customDetectors[0].pattern: ");
    assertThat(
            error(yaml(roles() + m + "customDetectors: [{name: x, pattern: a, validator: crc}]\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.customDetectors[0].validator: 'crc'");
    assertThat(
            error(
                yaml(
                    roles()
                        + m
                        + "customDetectors: [{name: x, pattern: a}, {name: x, pattern: b}]\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.customDetectors[1].name: ");
  }

  @Test
  void errorsNameTheKey() throws Exception {
    assertThat(error(yaml(roles().replace("passwordFile: " + ro, "passwrd: " + ro))))
        .startsWith("b.yaml: targets[0].postgres.roles.readonly.passwrd: unknown key");
    assertThat(error(yaml(roles().replace(ro.toString(), dir.resolve("missing").toString()))))
        .startsWith("b.yaml: targets[0].postgres.roles.readonly.passwordFile: ")
        .contains("is not a readable file");
    file("ro.pw", "s3cret-ro", "rw-r-----");
    assertThat(error(yaml(roles())))
        .startsWith("b.yaml: targets[0].postgres.roles.readonly.passwordFile: ")
        .contains("chmod 600")
        .doesNotContain("s3cret");
    file("ro.pw", "s3cret-ro", "rw-------");
    assertThat(error(yaml(roles().replace("defaultRole: readonly", "defaultRole: admin"))))
        .startsWith("b.yaml: targets[0].postgres.defaultRole: 'admin' is not one of the roles");
    assertThat(error(yaml(roles() + "  guardrails:\n    admin: {requireWhere: true}\n")))
        .startsWith("b.yaml: targets[0].postgres.guardrails.admin: 'admin' is neither");
    assertThat(
            error(yaml(roles() + "  masking:\n    columns: [{column: public.t.c, style: blur}]\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.columns[0].style: 'blur' is not")
        .contains("redact, partial or token");
    assertThat(error(yaml(roles() + "  masking:\n    columns: [{column: email, style: redact}]\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.columns[0].column: 'email' is not");
    assertThat(error(yaml(roles() + "  masking:\n    detectors: [email, dna]\n")))
        .startsWith("b.yaml: targets[0].postgres.masking.detectors[1]: 'dna' is not a detector");
    assertThat(error(yaml(roles() + "  tls: {mode: verify-full}\n")))
        .startsWith("b.yaml: targets[0].postgres.tls.caFile: missing");
    assertThat(error(yaml(roles() + "  tls: {mode: prefer}\n")))
        .startsWith("b.yaml: targets[0].postgres.tls.mode: 'prefer' is not a TLS mode");
    assertThat(error(yaml("engine: postgres"))).startsWith("b.yaml: targets[0].postgres: missing");
    assertThat(error(yaml("engine: magic")))
        .startsWith("b.yaml: targets[0].engine: 'magic' is not an engine");
    assertThat(error(yaml(roles()).replace("type: postgres", "type: tcp")))
        .startsWith("b.yaml: targets[0].postgres: only allowed on targets of type postgres");
    assertThat(error(yaml("postgres:\n  database: app\n")))
        .startsWith("b.yaml: targets[0].postgres.roles: missing");
  }
}
