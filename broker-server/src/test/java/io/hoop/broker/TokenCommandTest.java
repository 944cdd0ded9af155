package io.hoop.broker;

import static io.hoop.broker.CliResult.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.TokenStore;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.RevocationCache;
import io.hoop.broker.token.TokenService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoop-broker token create|list|revoke} on a data dir, as an admin runs them. */
class TokenCommandTest {
  @TempDir Path dir;

  @Test
  void whileABrokerRunsOnTheDataDirTheCommandsGoThroughItsAdminSocket() throws Exception {
    Instant brokerNow = Instant.parse("2030-01-01T00:00:00Z");
    Clock brokerClock = Clock.fixed(brokerNow, java.time.ZoneOffset.UTC);
    try (Store store = Store.openEmbedded(dir);
        io.hoop.broker.admin.AdminSocket socket =
            io.hoop.broker.admin.AdminSocket.start(
                dir,
                new io.hoop.broker.token.AdminTokens(
                    store, TokenService.loadOrCreate(dir, brokerClock), brokerClock))) {
      assertThat(socket.toString()).contains("admin.sock");
      CliResult created =
          run(
              "token",
              "create",
              "--principal",
              "bot",
              "--ttl",
              "1h",
              "-o",
              "json",
              "--data-dir",
              dir.toString());
      assertThat(created.code()).as(created.err()).isZero();
      // The broker's clock, not this process's: the broker minted it.
      assertThat(Json.mapper().readTree(created.out()).path("expiresAt").asText())
          .isEqualTo("2030-01-01T01:00:00Z");
      String id = Json.mapper().readTree(created.out()).path("id").asText();
      CliResult list = run("token", "list", "--data-dir", dir.toString());
      assertThat(list.out()).contains(id).contains("token:bot");
      assertThat(run("token", "revoke", id, "--data-dir", dir.toString()).code()).isZero();
      CliResult missing = run("token", "revoke", "t-nope", "--data-dir", dir.toString());
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.err()).contains("no admin token t-nope");
    }
  }

  @Test
  void createdTokensAreBearerExpiringAuditedListedAndRevocable() throws Exception {
    CliResult created =
        run(
            "token",
            "create",
            "--principal",
            "deploy-bot",
            "--group",
            "ci",
            "--ttl",
            "1h",
            "-o",
            "json",
            "--data-dir",
            dir.toString());
    assertThat(created.code()).as(created.err()).isZero();
    JsonNode c = Json.mapper().readTree(created.out());
    String token = c.path("token").asText();
    String id = c.path("id").asText();
    assertThat(c.path("principal").asText()).isEqualTo("token:deploy-bot");
    assertThat(created.err()).contains(id).doesNotContain(token);

    TokenService.SessionClaims claims;
    try (Store store = Store.openEmbedded(dir)) {
      RevocationCache revocations = new RevocationCache(new TokenStore(store), Clock.systemUTC());
      TokenService tokens = TokenService.loadOrCreate(dir, Clock.systemUTC(), revocations);
      claims = tokens.verifySession(token);
      assertThat(claims.principal().name()).isEqualTo("token:deploy-bot");
      assertThat(claims.principal().groups()).containsExactly("ci");
      assertThat(claims.principal().loginMethod()).isEqualTo("admin-token");
      assertThat(claims.bound()).isFalse();
      assertThat(claims.sessionId()).isEqualTo(id);
      assertThat(claims.expiresAt())
          .isBetween(
              Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofHours(1)));
    }

    CliResult list = run("token", "list", "-o", "json", "--data-dir", dir.toString());
    assertThat(list.code()).as(list.err()).isZero();
    JsonNode rows = Json.mapper().readTree(list.out());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).path("status").asText()).isEqualTo("active");
    assertThat(list.out()).doesNotContain(token);

    CliResult revoked = run("token", "revoke", id, "--data-dir", dir.toString());
    assertThat(revoked.code()).as(revoked.err()).isZero();
    assertThat(run("token", "revoke", "t-nope", "--data-dir", dir.toString()).code()).isEqualTo(1);
    assertThat(
            Json.mapper()
                .readTree(run("token", "list", "-o", "json", "--data-dir", dir.toString()).out())
                .get(0)
                .path("status")
                .asText())
        .isEqualTo("revoked");

    try (Store store = Store.openEmbedded(dir)) {
      RevocationCache revocations = new RevocationCache(new TokenStore(store), Clock.systemUTC());
      TokenService tokens = TokenService.loadOrCreate(dir, Clock.systemUTC(), revocations);
      assertThatThrownBy(() -> tokens.verifySession(token))
          .isInstanceOf(InvalidBrokerTokenException.class)
          .hasMessageContaining("revoked")
          .satisfies(
              e ->
                  assertThat(((InvalidBrokerTokenException) e).code())
                      .isEqualTo(InvalidBrokerTokenException.REVOKED));
      List<AuditEvent> events = new AuditLog(store, Clock.systemUTC()).list(0, 100, null, null);
      assertThat(events.stream().map(AuditEvent::type))
          .contains("admin_token_created", "admin_token_revoked");
      assertThat(events.stream().filter(e -> e.type().startsWith("admin_token")))
          .allSatisfy(e -> assertThat(e.principal()).isEqualTo("token:deploy-bot"));
    }
  }

  @Test
  void ttlIsBoundedTo24Hours() {
    CliResult r =
        run("token", "create", "--principal", "x", "--ttl", "25h", "--data-dir", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("at most 24h");
    assertThat(run("token", "create", "--principal", "x", "--data-dir", dir.toString()).code())
        .isEqualTo(2);
  }
}
