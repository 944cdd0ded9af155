package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.GrantStatus;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.governance.EntitlementSeeder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Entitlement seeding and reviews, approvals and compare-and-set grant transitions; run against
 * each store by a subclass that says which ({@code H2GovernanceStoreTest}, {@code
 * PostgresGovernanceStoreIT} in testkit).
 */
public abstract class GovernanceStoreSuite {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** Opens the store of the current test: empty on the first call, the same data after. */
  protected abstract Store openStore();

  static BrokerConfig config(String maxDuration, boolean withCache) throws Exception {
    return ConfigLoader.parse(
        "t",
        """
        targets:
          - name: db
            type: tcp
            address: 127.0.0.1:1
          - name: cache
            type: tcp
            address: 127.0.0.1:2
        entitlements:
          - group: eng
            targets: [db%s]
            maxDuration: %s
          - principal: alice
            targets: [db]
            reviewedBy: carol
            reviewedAt: 2026-01-01T00:00:00Z
            reviewExpiresAt: 2026-04-01T00:00:00Z
        """
            .formatted(withCache ? ", cache" : "", maxDuration),
        true);
  }

  static StoredGrant pending(String id, String entitlement) {
    return new StoredGrant(
        id,
        "alice",
        "db",
        "tcp",
        null,
        "OPS-1",
        null,
        GrantStatus.PENDING,
        "needs review",
        Duration.ofMinutes(30),
        T0,
        null,
        null,
        null,
        entitlement,
        List.of("dba", "security"),
        2,
        T0.plus(Duration.ofHours(1)));
  }

  @Test
  public void seedingInsertsOncePerSubjectAndTargetKeepsReviewsAndRemovesWhatTheConfigDropped()
      throws Exception {
    String groupDb = StoredEntitlement.idFor(null, "eng", "db");
    String groupCache = StoredEntitlement.idFor(null, "eng", "cache");
    String aliceDb = StoredEntitlement.idFor("alice", null, "db");
    assertThat(groupDb).matches("e-[0-9a-f]{12}").isNotEqualTo(aliceDb).isNotEqualTo(groupCache);
    assertThat(StoredEntitlement.idFor("eng", null, "db")).isNotEqualTo(groupDb);
    try (Store s = openStore()) {
      EntitlementStore es = new EntitlementStore(s);
      assertThat(EntitlementSeeder.seed(config("1h", true), es)).isEqualTo(3);
      StoredEntitlement alice = es.find(aliceDb).orElseThrow();
      assertThat(alice.reviewedBy()).isEqualTo("carol");
      assertThat(alice.reviewExpiresAt()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
      assertThat(es.find(groupDb).orElseThrow().reviewExpiresAt()).isNull();
      es.certify(groupDb, "bob", T0, T0.plus(Duration.ofDays(90)), "still needed");
      es.revoke(aliceDb, "bob", T0, "left the team");
    }
    try (Store s = openStore()) {
      EntitlementStore es = new EntitlementStore(s);
      assertThat(EntitlementSeeder.seed(config("2h", false), es)).isZero();
      StoredEntitlement g = es.find(groupDb).orElseThrow();
      assertThat(g.maxDuration()).isEqualTo(Duration.ofHours(2));
      assertThat(g.reviewedBy()).isEqualTo("bob");
      assertThat(g.reviewComment()).isEqualTo("still needed");
      assertThat(g.reviewCurrent(T0)).isTrue();
      assertThat(g.reviewCurrent(T0.plus(Duration.ofDays(90)))).isFalse();
      assertThat(es.find(aliceDb).orElseThrow().active()).isFalse();
      assertThat(es.find(groupCache)).isEmpty();
      assertThat(es.forTarget("db")).hasSize(2);
      es.certify(aliceDb, "bob", T0, T0.plusSeconds(60), "back");
      assertThat(es.find(aliceDb).orElseThrow().active()).isTrue();
    }
  }

  @Test
  public void cachedEntitlementReadsSeeEveryWriteOfThisBrokerAtOnce() throws Exception {
    try (Store s = openStore()) {
      EntitlementStore es = new EntitlementStore(s);
      EntitlementSeeder.seed(config("1h", true), es);
      String alice = StoredEntitlement.idFor("alice", null, "db");
      assertThat(es.forTarget("db")).extracting(StoredEntitlement::id).contains(alice);
      es.revoke(alice, "carol", T0, "left");
      assertThat(es.forTarget("db").stream().filter(e -> e.id().equals(alice)))
          .singleElement()
          .satisfies(e -> assertThat(e.active()).isFalse());
      es.certify(alice, "carol", T0, T0.plus(Duration.ofDays(30)), "back");
      assertThat(es.forTarget("db").stream().filter(e -> e.id().equals(alice)))
          .singleElement()
          .satisfies(e -> assertThat(e.active()).isTrue());
      EntitlementSeeder.seed(config("1h", false), es);
      assertThat(es.forTarget("cache")).isEmpty();
    }
  }

  @Test
  public void approvalsCountEachPersonOnceAndTransitionsAreCompareAndSet() {
    try (Store s = openStore()) {
      GrantStore gs = new GrantStore(s);
      gs.insert(pending("g-1", "e-1"));
      gs.insert(pending("g-2", null));
      assertThat(gs.find("g-1").orElseThrow().reviewerGroups()).containsExactly("dba", "security");
      assertThat(gs.addApproval("g-1", "bob", T0, "ok")).isTrue();
      assertThat(gs.addApproval("g-1", "bob", T0.plusSeconds(1), "again")).isFalse();
      assertThat(gs.approvals("g-1")).extracting(a -> a.approver()).containsExactly("bob");
      assertThat(gs.approvals("g-1").get(0).comment()).isEqualTo("ok");

      Instant late = T0.plus(Duration.ofHours(1));
      assertThat(gs.approve("g-1", "carol", "r", late, late.plusSeconds(1800)))
          .as("a timed-out request cannot be approved")
          .isFalse();
      Instant at = T0.plus(Duration.ofMinutes(10));
      assertThat(gs.approve("g-1", "carol", "approved by bob, carol", at, at.plusSeconds(1800)))
          .isTrue();
      assertThat(gs.approve("g-1", "dave", "x", at, at.plusSeconds(1800))).isFalse();
      StoredGrant g = gs.find("g-1").orElseThrow();
      assertThat(g.status()).isEqualTo(GrantStatus.APPROVED);
      assertThat(g.decidedBy()).isEqualTo("carol");
      assertThat(g.expiresAt()).isEqualTo(at.plusSeconds(1800));
      // Approved long after the pending timeout: still live until its own expiry.
      assertThat(gs.liveUnderEntitlement("e-1")).extracting(StoredGrant::id).containsExactly("g-1");
      assertThat(
              gs.decide(
                  "g-1",
                  GrantStatus.APPROVED,
                  GrantStatus.REVOKED,
                  "bob",
                  "r",
                  at.plusSeconds(1800)))
          .as("an expired grant cannot be revoked")
          .isFalse();
      assertThat(
              gs.decide(
                  "g-1", GrantStatus.APPROVED, GrantStatus.REVOKED, "bob", "r", at.plusSeconds(60)))
          .isTrue();
      assertThat(gs.liveUnderEntitlement("e-1")).isEmpty();
      assertThat(gs.decide("g-2", GrantStatus.APPROVED, GrantStatus.REVOKED, "bob", "r", T0))
          .as("wrong current status")
          .isFalse();
      assertThat(gs.decide("g-2", GrantStatus.PENDING, GrantStatus.DENIED, "bob", "no", T0))
          .isTrue();
      assertThat(gs.byStatus(GrantStatus.PENDING, 10)).isEmpty();
      assertThat(gs.byPrincipal("alice", 10)).hasSize(2);
      assertThat(gs.recent(1)).hasSize(1);
    }
  }
}
