package io.hoop.cli.completion;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveCandidatesTest {
  static final String BROKER = "https://127.0.0.1:9";
  static final String PIN =
      "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-12-07T12:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final MovableClock clock = new MovableClock();
  final AtomicInteger calls = new AtomicInteger();

  private ProfileStore store(Duration sessionLeft) {
    ProfileStore store = new ProfileStore(dir.resolve("default"), "default", env());
    store.saveProfile(new Profile(BROKER, PIN, null, null, null));
    store.saveCredentials(
        new Credentials(
            "session-token",
            clock.now.plus(sessionLeft),
            null,
            "alice",
            null,
            new LoginSource(LoginSource.DEVICE, null, null, null, null, null)));
    return store;
  }

  private CliEnvironment env() {
    return new CliEnvironment(
        Map.of(), new ByteArrayInputStream(new byte[0]), false, false, false, clock, false);
  }

  private LiveCandidates live(ProfileStore store, List<String> answer, Duration delay) {
    // Generous unless the test is about the deadline: the first BrokerSession of a JVM loads TLS.
    return live(
        store, answer, delay, delay.isZero() ? Duration.ofSeconds(20) : Duration.ofMillis(500));
  }

  private LiveCandidates live(
      ProfileStore store, List<String> answer, Duration delay, Duration deadline) {
    return new LiveCandidates(
        env(),
        store,
        (client, kind) -> {
          calls.incrementAndGet();
          try {
            Thread.sleep(delay.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return answer;
        },
        deadline);
  }

  @Test
  void fetchesOnceThenServesTheCacheUntilItExpires() {
    ProfileStore store = store(Duration.ofHours(1));
    LiveCandidates live = live(store, List.of("prod-db", "web-1"), Duration.ZERO);
    assertThat(live.candidates("targets")).containsExactly("prod-db", "web-1");
    assertThat(live.candidates("targets")).containsExactly("prod-db", "web-1");
    assertThat(calls).hasValue(1);
    clock.now = clock.now.plus(LiveCandidates.TTL);
    assertThat(live.candidates("targets")).containsExactly("prod-db", "web-1");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aSlowBrokerIsCutOffAtTheDeadlineAndNotAskedAgainForAWhile() {
    ProfileStore store = store(Duration.ofHours(1));
    live(store, List.of("prod-db"), Duration.ZERO).candidates("targets");
    clock.now = clock.now.plus(LiveCandidates.TTL);
    LiveCandidates slow = live(store, List.of("new"), Duration.ofSeconds(5));
    long start = System.nanoTime();
    // The stale answer, not a wait.
    assertThat(slow.candidates("targets")).containsExactly("prod-db");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(slow.candidates("targets")).containsExactly("prod-db");
    assertThat(calls).hasValue(2);
    clock.now = clock.now.plus(LiveCandidates.RETRY_AFTER);
    slow.candidates("targets");
    assertThat(calls).hasValue(3);
  }

  @Test
  void hostileAnswersAreDropped() {
    ProfileStore store = store(Duration.ofHours(1));
    List<String> hostile =
        List.of("ok", "a b", "$(touch /tmp/x)", "x;id", "l1\nl2", "'", "\"", "-rf", "ok", "ü");
    assertThat(live(store, hostile, Duration.ZERO).candidates("targets")).containsExactly("ok");
  }

  @Test
  void anExpiredOrMissingLoginIsNeverRenewedOrAsked() {
    ProfileStore expired = store(Duration.ofSeconds(-1));
    assertThat(live(expired, List.of("x"), Duration.ZERO).candidates("targets")).isEmpty();
    ProfileStore none = new ProfileStore(dir.resolve("none"), "none", env());
    assertThat(live(none, List.of("x"), Duration.ZERO).candidates("targets")).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void unknownKindsAskNothing() {
    ProfileStore store = store(Duration.ofHours(1));
    assertThat(live(store, List.of("x"), Duration.ZERO).candidates("../profile.json")).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void aFreshCacheIsServedWithoutTheLoginUntilTheLoginChanges() throws Exception {
    clock.now = Instant.now();
    ProfileStore store = store(Duration.ofHours(1));
    // After the files were written (on a loaded machine that may take seconds).
    clock.now = Instant.now().plusSeconds(1);
    LiveCandidates live = live(store, List.of("prod-db"), Duration.ZERO);
    assertThat(live.cachedWithoutLogin("targets")).isEmpty();
    assertThat(live.candidates("targets")).containsExactly("prod-db");
    assertThat(live.cachedWithoutLogin("targets")).contains(List.of("prod-db"));
    // A new login (or a renewal) after the fetch: the full path checks it first.
    java.nio.file.Files.setLastModifiedTime(
        store.credentialsFile(), java.nio.file.attribute.FileTime.from(clock.now.plusSeconds(1)));
    assertThat(live.cachedWithoutLogin("targets")).isEmpty();
    live.candidates("targets"); // still fresh: served, not fetched
    assertThat(calls).hasValue(1);
    clock.now = clock.now.plus(LiveCandidates.TTL);
    live.candidates("targets");
    clock.now = clock.now.plusSeconds(2);
    assertThat(live.cachedWithoutLogin("targets")).contains(List.of("prod-db"));
    // A logout deletes the credentials: nothing is served, by either path.
    store.deleteLogin();
    assertThat(live.cachedWithoutLogin("targets")).isEmpty();
    assertThat(live.candidates("targets")).isEmpty();
    clock.now = clock.now.plus(LiveCandidates.TTL);
    assertThat(live.cachedWithoutLogin("targets")).isEmpty();
  }
}
