package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.AuditEvent;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Grants, audit events and sessions survive a reopen; run against each store by a subclass that
 * says which ({@code H2StoreTest}, {@code PostgresStoreIT} in testkit).
 */
public abstract class StoreSuite {
  /** Opens the store of the current test: empty on the first call, the same data after. */
  protected abstract Store openStore();

  @Test
  public void grantsAuditAndSessionsPersistAcrossReopen() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    StoredGrant g =
        new StoredGrant(
            "g-1",
            "alice",
            "db",
            "postgres",
            null,
            "JIRA-1",
            "why",
            GrantStatus.APPROVED,
            "ok",
            Duration.ofMinutes(30),
            now,
            now,
            now.plus(Duration.ofMinutes(30)),
            null,
            "e-1",
            List.of("dba"),
            0,
            null);
    try (Store s = openStore()) {
      new GrantStore(s).insert(g);
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      log.append("grant.approved", "alice", "db", "g-1", "JIRA-1", Map.of("decision", "ok"));
      log.append("login", "bob", null, null, null, Map.of());
      SessionStore ss = new SessionStore(s);
      ss.upsertPrincipal(new Principal("alice", "a@x", List.of("eng"), "oidc-device"), now);
      ss.upsertPrincipal(new Principal("alice", "a@y", List.of("eng", "ops"), "oidc-device"), now);
      ss.tunnelOpened("s-1", "g-1", "alice", "db", "JIRA-1", "127.0.0.1:1", now);
      ss.tunnelClosed("s-1", 10, 20, "client_closed", now);
    }
    try (Store s = openStore()) {
      assertThat(new GrantStore(s).find("g-1")).contains(g);
      assertThat(new GrantStore(s).find("g-2")).isEmpty();
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      List<AuditEvent> all = log.list(0, 10, null, null);
      assertThat(all).extracting(AuditEvent::type).containsExactly("grant.approved", "login");
      assertThat(all.get(0).seq()).isLessThan(all.get(1).seq());
      assertThat(all.get(0).details()).containsEntry("decision", "ok");
      assertThat(log.list(0, 10, "bob", null)).hasSize(1);
      assertThat(log.list(0, 10, null, "JIRA-1")).hasSize(1);
      assertThat(log.list(all.get(0).seq(), 10, null, null)).hasSize(1);
    }
  }

  @Test
  public void aStoreThatIsGoneFailsWithStoreExceptionNamingTheOperation() {
    Store s = openStore();
    s.close();
    assertThatThrownBy(() -> new GrantStore(s).find("g-1"))
        .isInstanceOf(StoreException.class)
        .hasMessage("cannot read grants");
    assertThatThrownBy(() -> new AuditLog(s, Clock.systemUTC()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("audit chain head");
  }
}
