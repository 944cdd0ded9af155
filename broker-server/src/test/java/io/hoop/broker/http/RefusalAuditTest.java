package io.hoop.broker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.identity.TestClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusalAuditTest {
  record Rec(String type, String principal, Map<String, Object> details) {}

  final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  final List<Rec> out = new ArrayList<>();
  final RefusalAudit audit =
      new RefusalAudit(
          (t, p, d) -> out.add(new Rec(t, p, d)), clock, Duration.ofMinutes(1), 3, 10, 4);

  static RefusalAudit.Refusal refusal(String ip, String path, String code, String principal) {
    return new RefusalAudit.Refusal(
        new InetSocketAddress(ip, 40000), "POST", path, 401, code, "proof replayed", principal);
  }

  @Test
  void aRefusalIsRecordedWithRemoteMethodPathCodeAndVerifiedPrincipal() {
    audit.refused(refusal("10.0.0.1", "/v1/grants", "dpop_replay", "alice"));
    assertThat(out).hasSize(1);
    Rec r = out.get(0);
    assertThat(r.type()).isEqualTo("request.refused");
    assertThat(r.principal()).isEqualTo("alice");
    assertThat(r.details())
        .containsEntry("remote", "10.0.0.1:40000")
        .containsEntry("method", "POST")
        .containsEntry("path", "/v1/grants")
        .containsEntry("status", 401)
        .containsEntry("code", "dpop_replay")
        .containsEntry("reason", "proof replayed");
  }

  @Test
  void loginsAreTypedLoginRefused() {
    audit.refused(refusal("10.0.0.1", "/v1/auth/token", "not_a_machine_client", null));
    audit.refused(refusal("10.0.0.1", "/v1/auth/session", "invalid_id_token", null));
    assertThat(out).extracting(Rec::type).containsOnly("login.refused");
  }

  @Test
  void aFloodCostsAtMostTheBoundPerWindow() {
    // 5000 refusals from 50 addresses with 2 codes each, in one window.
    for (int i = 0; i < 5000; i++) {
      audit.refused(refusal("10.0.1." + (i % 50), "/v1/whoami", "code" + (i % 2), null));
    }
    assertThat(out).hasSizeLessThanOrEqualTo(10);
    clock.advance(Duration.ofMinutes(1));
    audit.tick();
    assertThat(out).hasSizeLessThanOrEqualTo(audit.maxRecordsPerWindow());
    long summed =
        out.stream()
            .filter(r -> r.type().equals("request.refused.summary"))
            .mapToLong(r -> ((Number) r.details().get("count")).longValue())
            .sum();
    long detailed = out.stream().filter(r -> r.type().equals("request.refused")).count();
    // Nothing is lost: every refusal is either recorded or counted in a summary.
    assertThat(summed + detailed).isEqualTo(5000);
    assertThat(out)
        .filteredOn(r -> r.type().equals("request.refused.summary"))
        .anySatisfy(r -> assertThat(r.details()).containsEntry("remote", "*"));
  }

  @Test
  void perRemoteAndCodeOnlyTheFirstFewAreDetailedThenOneSummary() {
    for (int i = 0; i < 100; i++) {
      audit.refused(refusal("10.0.0.9", "/v1/whoami", "invalid_token", null));
    }
    assertThat(out).hasSize(3);
    clock.advance(Duration.ofSeconds(61));
    audit.tick();
    assertThat(out).hasSize(4);
    assertThat(out.get(3).type()).isEqualTo("request.refused.summary");
    assertThat(out.get(3).details())
        .containsEntry("remote", "10.0.0.9")
        .containsEntry("code", "invalid_token")
        .containsEntry("count", 97L);
    // A new window starts afresh.
    audit.refused(refusal("10.0.0.9", "/v1/whoami", "invalid_token", null));
    assertThat(out).hasSize(5);
    assertThat(out.get(4).type()).isEqualTo("request.refused");
  }

  @Test
  void noSummaryWhenNothingWasSuppressed() {
    audit.refused(refusal("10.0.0.9", "/v1/whoami", "invalid_token", null));
    clock.advance(Duration.ofMinutes(5));
    audit.tick();
    assertThat(out).hasSize(1);
  }

  @Test
  void requestTextIsBoundedAndFreeOfControlCharacters() {
    audit.refused(
        new RefusalAudit.Refusal(
            new InetSocketAddress("10.0.0.1", 1),
            "GET",
            "/v1/grants/" + "a".repeat(1000) + "\n",
            404,
            "not_found",
            "x\r\ny",
            null));
    assertThat((String) out.get(0).details().get("path")).hasSizeLessThan(320).doesNotContain("\n");
    assertThat(out.get(0).details()).containsEntry("reason", "x??y");
  }

  /**
   * The attack: flood anonymous refusals from many addresses and codes first, so that the window's
   * detailed budget and its remote/code pairs are used up; then a verified principal's
   * self-approval is refused. It must still get its own record, naming the principal.
   */
  @Test
  void anAnonymousFloodCannotHideAVerifiedPrincipalsRefusal() {
    for (int i = 0; i < 1000; i++) {
      audit.refused(refusal("10.0.2." + (i % 100), "/v1/whoami", "code" + (i % 7), null));
    }
    int before = out.size();
    audit.refused(
        new RefusalAudit.Refusal(
            new InetSocketAddress("10.9.9.9", 5),
            "POST",
            "/v1/grants/g-1/approve",
            403,
            "self_approval",
            "you cannot approve your own grant",
            "bob"));
    assertThat(out.subList(before, out.size()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("request.refused");
              assertThat(r.principal()).isEqualTo("bob");
              assertThat(r.details()).containsEntry("code", "self_approval");
            });
  }

  @Test
  void aVerifiedPrincipalsFloodIsSummedUnderItsName() {
    for (int i = 0; i < 50; i++) {
      audit.refused(refusal("10.0.3." + i, "/v1/grants/g/approve", "self_approval", "bob"));
    }
    assertThat(out).hasSize(3).allSatisfy(r -> assertThat(r.principal()).isEqualTo("bob"));
    clock.advance(Duration.ofMinutes(1));
    audit.tick();
    assertThat(out.get(3).type()).isEqualTo("request.refused.summary");
    assertThat(out.get(3).principal()).isEqualTo("bob");
    assertThat(out.get(3).details())
        .containsEntry("code", "self_approval")
        .containsEntry("count", 47L);
  }

  @Test
  void aFailingStoreNeverFailsTheRequest() {
    RefusalAudit broken =
        new RefusalAudit(
            (t, p, d) -> {
              throw new IllegalStateException("store down");
            },
            clock);
    broken.refused(refusal("10.0.0.1", "/v1/whoami", "x", null));
  }
}
