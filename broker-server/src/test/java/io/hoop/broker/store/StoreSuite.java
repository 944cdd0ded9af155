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
  public void auditListsTheNewestFirstWithinAWindowAndPagesBothWays() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    MutableClock clock = new MutableClock(t0);
    try (Store s = openStore()) {
      AuditLog log = new AuditLog(s, clock);
      for (int i = 0; i < 10; i++) {
        clock.now = t0.plusSeconds(60L * i);
        log.append("grant.approved", i % 2 == 0 ? "alice" : "bob", "db", null, "T-" + i, Map.of());
      }
      List<AuditEvent> newest =
          log.list(new AuditLog.ListQuery(0, 0, null, null, true, 3, null, null));
      assertThat(newest).extracting(AuditEvent::task).containsExactly("T-9", "T-8", "T-7");
      List<AuditEvent> before =
          log.list(new AuditLog.ListQuery(0, newest.get(2).seq(), null, null, true, 2, null, null));
      assertThat(before).extracting(AuditEvent::task).containsExactly("T-6", "T-5");
      // since inclusive, until exclusive, with a principal filter.
      List<AuditEvent> window =
          log.list(
              new AuditLog.ListQuery(
                  0, 0, t0.plusSeconds(120), t0.plusSeconds(360), true, 100, "alice", null));
      assertThat(window).extracting(AuditEvent::task).containsExactly("T-4", "T-2");
      List<AuditEvent> after =
          log.list(
              new AuditLog.ListQuery(newest.get(0).seq() - 2, 0, null, null, false, 9, null, null));
      assertThat(after).extracting(AuditEvent::task).containsExactly("T-8", "T-9");
    }
  }

  @Test
  public void aSessionKeepsTheRoleItOpenedWithAndAGrantCanBeReleased() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    StoredGrant g =
        new StoredGrant(
            "g-r",
            "alice",
            "db",
            "postgres",
            null,
            "JIRA-2",
            null,
            GrantStatus.APPROVED,
            "ok",
            Duration.ofMinutes(30),
            now,
            now,
            now.plus(Duration.ofMinutes(30)),
            null,
            null,
            List.of("dba"),
            0,
            null);
    try (Store s = openStore()) {
      GrantStore grants = new GrantStore(s);
      grants.insert(g);
      SessionStore ss = new SessionStore(s);
      ss.tunnelOpened("s-r", "g-r", "alice", "db", "JIRA-2", "readonly", "127.0.0.1:1", now);
      StatementStore st = new StatementStore(s);
      assertThat(st.find("s-r").orElseThrow().role()).isEqualTo("readonly");
      assertThat(
              grants.decide(
                  "g-r", GrantStatus.APPROVED, GrantStatus.RELEASED, "alice", "done", now))
          .isTrue();
      assertThat(grants.find("g-r").orElseThrow().status()).isEqualTo(GrantStatus.RELEASED);
      assertThat(
              grants.decide(
                  "g-r", GrantStatus.APPROVED, GrantStatus.RELEASED, "alice", "done", now))
          .as("released once")
          .isFalse();
    }
  }

  /** A clock the test sets. */
  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
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
