package io.hoop.broker.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.api.SessionStatement;
import io.hoop.broker.audit.AuditExporter;
import io.hoop.broker.audit.AuditTrail;
import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.config.RetentionConfig.Keep;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.SessionStore;
import io.hoop.broker.store.StatementStore;
import io.hoop.broker.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retention purge on a real store: nothing without a policy, audit records only up to an
 * export's signed checkpoint (anchored, audited), statements and recordings by target, in bounded
 * batches. Run against each store by a subclass ({@code H2RetentionPurgeTest}, {@code
 * PostgresRetentionPurgeIT} in testkit).
 */
public abstract class RetentionPurgeSuite {
  protected static final Instant T0 = Instant.parse("2026-01-01T09:00:00.000001Z");

  /** Opens the store of the current test: empty on the first call, the same data after. */
  protected abstract Store openStore();

  /** A clock the test moves. */
  public static final class ManualClock extends Clock {
    private volatile Instant now = T0;

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  protected Path dir;
  protected Store store;
  protected ManualClock clock;
  protected AuditLog log;
  protected AuditTrail trail;
  protected final AtomicReference<RetentionConfig> config =
      new AtomicReference<>(RetentionConfig.DEFAULTS);
  protected final AtomicInteger batches = new AtomicInteger();

  @BeforeEach
  void open() throws Exception {
    dir = Files.createTempDirectory("hoop-retention-");
    store = openStore();
    clock = new ManualClock();
    log = new AuditLog(store, clock);
    trail = AuditTrail.create(dir, store, log, clock, 100, Duration.ofMinutes(5));
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  protected RetentionPurger purger() {
    return new RetentionPurger(
        store,
        log,
        trail.exports(),
        config::get,
        dir.resolve("recordings"),
        clock,
        batches::incrementAndGet);
  }

  protected static RetentionConfig keep(Keep recordings, Keep statements, Keep audit) {
    return new RetentionConfig(recordings, statements, audit, Duration.ofHours(1), Map.of());
  }

  protected static Keep days(int n) {
    return new Keep(Duration.ofDays(n));
  }

  protected void append(int n) {
    for (int i = 0; i < n; i++) {
      log.append("test.event", "alice", "db", null, "T-1", Map.of("i", i));
    }
  }

  protected String export() throws Exception {
    return new String(
        trail.exporter().export(new AuditExporter.Query(null, null, null, null), "audrey").body(),
        StandardCharsets.UTF_8);
  }

  protected long count(String sql) throws Exception {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  protected static PurgeReport.Kind kind(PurgeReport r, String kind) {
    return r.kinds().stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
  }

  protected void session(String id, String target, Instant opened, Instant closed, int statements)
      throws Exception {
    SessionStore sessions = new SessionStore(store);
    sessions.tunnelOpened(id, "g-1", "alice", target, "T-1", "127.0.0.1:1", opened);
    if (closed != null) {
      sessions.tunnelClosed(id, 1, 1, "client_closed", closed);
    }
    List<StatementStore.Row> rows = new ArrayList<>();
    for (int i = 1; i <= statements; i++) {
      rows.add(
          new StatementStore.Row(
              id,
              i,
              new SessionStatement(
                  i, opened, 10, "select " + i, List.of(), 1, "SELECT 1", 0, false, "", "")));
    }
    if (!rows.isEmpty()) {
      new StatementStore(store).insert(rows);
    }
  }

  protected Path recording(String session, Instant written) throws Exception {
    Path d = dir.resolve("recordings");
    Files.createDirectories(d);
    Path f = d.resolve(session + ".cast");
    Files.writeString(f, "{\"version\":2,\"width\":80,\"height\":24}\n");
    Files.setLastModifiedTime(f, FileTime.from(written));
    return f;
  }

  @Test
  public void neverPurgesNothing() throws Exception {
    append(250);
    trail.checkpointer().tick();
    export();
    session("s-old1", "db", T0, T0.plusSeconds(60), 5);
    Path cast = recording("s-old1", T0);
    clock.advance(Duration.ofDays(5000));

    PurgeReport r = purger().purge(false, null);

    assertThat(r.skipped()).isNull();
    assertThat(r.kinds()).allSatisfy(k -> assertThat(k.deleted()).isZero());
    assertThat(count("select count(*) from audit_events")).isEqualTo(250);
    assertThat(count("select count(*) from session_statements")).isEqualTo(5);
    assertThat(cast).exists();
    assertThat(count("select count(*) from retention_purges")).isZero();
  }

  @Test
  public void auditWaitsForAnExportThenStopsAtItsSignedCheckpoint() throws Exception {
    config.set(keep(Keep.FOREVER, Keep.FOREVER, days(90)));
    append(250);
    trail.checkpointer().tick(); // signs 100 and 200
    clock.advance(Duration.ofDays(100));
    append(10);
    RetentionPurger purger = purger();

    // Due, but no export covers anything: nothing goes, and status and the audit say why.
    PurgeReport before = purger.purge(false, null);
    PurgeReport.Kind a = kind(before, "audit");
    assertThat(a.deleted()).isZero();
    assertThat(a.heldBack()).contains("no export covers records after seq 0");
    assertThat(count("select min(seq) from audit_events")).isEqualTo(1);
    AuditEvent held = log.list(0, 1000, null, null).stream().reduce((x, y) -> y).orElseThrow();
    assertThat(held.type()).isEqualTo(RetentionPurger.EVENT);
    assertThat(held.details()).containsEntry("kind", "audit").containsEntry("deleted", 0);
    // The same reason an hour later is not audited again.
    long records = count("select count(*) from audit_events");
    purger.purge(false, null);
    assertThat(count("select count(*) from audit_events")).isEqualTo(records);
    @SuppressWarnings("unchecked")
    Map<String, Object> auditStatus =
        ((List<Map<String, Object>>) purger.status().get("kinds"))
            .stream().filter(k -> k.get("kind").equals("audit")).findFirst().orElseThrow();
    assertThat((String) auditStatus.get("waitingFor"))
        .contains("no export covers records after seq 0");
    assertThat(auditStatus.get("oldestSeq")).isEqualTo(1L);

    // A dry run counts and deletes nothing.
    String first = export();
    PurgeReport dry = purger.purge(true, "admin:test");
    assertThat(kind(dry, "audit").deleted()).isEqualTo(200);
    assertThat(count("select min(seq) from audit_events")).isEqualTo(1);

    PurgeReport r = purger.purge(false, "admin:test");
    a = kind(r, "audit");
    // Due: 1..250; covered by the export; the last signed checkpoint within is 200.
    assertThat(a.deleted()).isEqualTo(200);
    assertThat(a.throughSeq()).isEqualTo(200);
    assertThat(a.heldBack()).isNull();
    assertThat(batches.get()).isPositive();
    assertThat(count("select min(seq) from audit_events")).isEqualTo(201);
    assertThat(count("select min(seq) from audit_checkpoints")).isEqualTo(200);
    String anchorHash = lineOf(first, 200).get("hash").asText();
    assertThat(a.anchorHash()).isEqualTo(anchorHash);
    AuditEvent done = log.list(0, 1000, null, null).stream().reduce((x, y) -> y).orElseThrow();
    assertThat(done.type()).isEqualTo(RetentionPurger.EVENT);
    assertThat(done.principal()).isEqualTo("admin:test");
    assertThat(done.details())
        .containsEntry("kind", "audit")
        .containsEntry("deleted", 200)
        .containsEntry("throughSeq", 200)
        .containsEntry("anchorHash", anchorHash)
        .containsEntry("before", clock.instant().minus(Duration.ofDays(90)).toString());
    assertThat(
            count("select count(*) from retention_purges where kind = 'audit' and deleted = 200"))
        .isEqualTo(1);

    // A new export starts at the anchor: the signed checkpoint of seq 200, then seq 201.
    String second = export();
    List<String> lines = second.lines().toList();
    JsonNode anchor = Json.mapper().readTree(lines.get(1)).get("anchor");
    assertThat(anchor.get("seq").asLong()).isEqualTo(200);
    assertThat(anchor.get("hash").asText()).isEqualTo(anchorHash);
    JsonNode firstRecord = Json.mapper().readTree(lines.get(2));
    assertThat(firstRecord.get("seq").asLong()).isEqualTo(201);
    assertThat(firstRecord.get("prevHash").asText()).isEqualTo(anchorHash);

    // Everything old and exported: the head itself is never purged.
    clock.advance(Duration.ofDays(200));
    trail.checkpointer().checkpointHead();
    export();
    purger.purge(false, null);
    assertThat(count("select count(*) from audit_events")).isGreaterThanOrEqualTo(1);
    assertThat(log.head().seq()).isEqualTo(count("select max(seq) from audit_events"));
  }

  @Test
  public void anExportCoversOnlyUpToItsHeadAndPurgeSaysSo() throws Exception {
    config.set(keep(Keep.FOREVER, Keep.FOREVER, days(90)));
    append(150);
    export(); // covers 1..150 (checkpoint at head 150)
    append(150); // 151..300 (+ no export)
    trail.checkpointer().tick(); // signs 200, 300
    clock.advance(Duration.ofDays(91));
    append(1);
    PurgeReport r = purger().purge(false, null);
    PurgeReport.Kind a = kind(r, "audit");
    assertThat(a.throughSeq()).isEqualTo(150);
    assertThat(a.heldBack()).contains("no export covers records after seq 150");
    assertThat(count("select min(seq) from audit_events")).isEqualTo(151);
  }

  @Test
  public void statementsGoByTheirTargetsRetentionInBatches() throws Exception {
    config.set(
        new RetentionConfig(
            Keep.FOREVER,
            days(30),
            Keep.FOREVER,
            Duration.ofHours(1),
            Map.of(
                "keep-db",
                new RetentionConfig.TargetRetention(Optional.empty(), Optional.of(Keep.FOREVER)),
                "short-db",
                new RetentionConfig.TargetRetention(Optional.empty(), Optional.of(days(1))))));
    session("s-long", "big-db", T0, T0.plusSeconds(5), 2500);
    session("s-keep", "keep-db", T0, T0.plusSeconds(5), 3);
    session("s-short", "short-db", T0.plus(Duration.ofDays(29)), T0.plus(Duration.ofDays(29)), 4);
    session("s-recent", "big-db", T0.plus(Duration.ofDays(29)), null, 2);
    session("s-empty", "big-db", T0, T0.plusSeconds(5), 0);
    clock.advance(Duration.ofDays(31));

    PurgeReport dry = purger().purge(true, null);
    assertThat(kind(dry, "statements").deleted()).isEqualTo(2504);
    assertThat(count("select count(*) from session_statements")).isEqualTo(2509);

    PurgeReport r = purger().purge(false, null);
    PurgeReport.Kind st = kind(r, "statements");
    assertThat(st.deleted()).isEqualTo(2504);
    assertThat(st.sessions()).isEqualTo(2);
    // 2500 statements in chunks of 1000: three batches, plus one for s-short.
    assertThat(batches.get()).isGreaterThanOrEqualTo(4);
    StatementStore statements = new StatementStore(store);
    assertThat(statements.find("s-long").orElseThrow().statementsPurgedAt())
        .isEqualTo(clock.instant());
    assertThat(statements.find("s-long").orElseThrow().statements()).isZero();
    assertThat(statements.find("s-short").orElseThrow().statementsPurgedAt()).isNotNull();
    assertThat(statements.find("s-keep").orElseThrow().statements()).isEqualTo(3);
    assertThat(statements.find("s-keep").orElseThrow().statementsPurgedAt()).isNull();
    assertThat(statements.find("s-recent").orElseThrow().statements()).isEqualTo(2);
    assertThat(statements.find("s-empty").orElseThrow().statementsPurgedAt()).isNull();
    AuditEvent e = log.list(0, 1000, null, null).stream().reduce((x, y) -> y).orElseThrow();
    assertThat(e.details()).containsEntry("kind", "statements").containsEntry("deleted", 2504);
  }

  @Test
  public void recordingsAreRemovedAndTheirSessionsSaySo() throws Exception {
    config.set(keep(days(7), Keep.FOREVER, Keep.FOREVER));
    session("s-done", "db", T0, T0.plusSeconds(60), 0);
    session("s-open", "db", T0, null, 0);
    Path done = recording("s-done", T0.plusSeconds(60));
    Path open = recording("s-open", T0.plus(Duration.ofDays(9)));
    Path orphan = recording("s-orphan", T0);
    Path other = dir.resolve("recordings").resolve("notes.txt");
    Files.writeString(other, "not a recording");
    Files.setLastModifiedTime(other, FileTime.from(T0));
    clock.advance(Duration.ofDays(10));

    PurgeReport r = purger().purge(false, null);

    assertThat(kind(r, "recordings").deleted()).isEqualTo(2);
    assertThat(done).doesNotExist();
    assertThat(orphan).doesNotExist();
    assertThat(open).exists(); // still written 1 day ago
    assertThat(other).exists();
    StatementStore statements = new StatementStore(store);
    assertThat(statements.find("s-done").orElseThrow().recordingPurgedAt())
        .isEqualTo(clock.instant());
    assertThat(statements.find("s-open").orElseThrow().recordingPurgedAt()).isNull();
  }

  @Test
  public void aTargetsOwnRetentionPurgesWhenTheGlobalOneIsNever() throws Exception {
    config.set(
        new RetentionConfig(
            Keep.FOREVER,
            Keep.FOREVER,
            Keep.FOREVER,
            Duration.ofHours(1),
            Map.of(
                "dev-db",
                new RetentionConfig.TargetRetention(Optional.of(days(1)), Optional.of(days(1))))));
    session("s-dev", "dev-db", T0, T0.plusSeconds(5), 3);
    session("s-prod", "prod-db", T0, T0.plusSeconds(5), 3);
    Path dev = recording("s-dev", T0);
    Path prod = recording("s-prod", T0);
    clock.advance(Duration.ofDays(2));

    PurgeReport r = purger().purge(false, "admin:test");

    assertThat(kind(r, "recordings").deleted()).isEqualTo(1);
    assertThat(kind(r, "recordings").keep()).isEqualTo("never (some targets differ)");
    assertThat(kind(r, "statements").deleted()).isEqualTo(3);
    assertThat(dev).doesNotExist();
    assertThat(prod).exists();
    assertThat(count("select count(*) from session_statements where session_id = 's-prod'"))
        .isEqualTo(3);
    assertThat(count("select count(*) from retention_purges where deleted > 0")).isEqualTo(2);
  }

  protected static JsonNode lineOf(String ndjson, long seq) throws Exception {
    for (String l : ndjson.split("\n")) {
      JsonNode n = Json.mapper().readTree(l);
      if (n.has("seq") && n.get("seq").asLong() == seq && n.has("hash")) {
        return n;
      }
    }
    throw new AssertionError("no record seq " + seq);
  }
}
