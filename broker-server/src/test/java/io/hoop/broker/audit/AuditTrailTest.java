package io.hoop.broker.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import io.hoop.api.AuditCheckpoint;
import io.hoop.api.Json;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTrailTest {
  @TempDir Path dir;

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2025-03-01T09:00:00.000001Z");

    void advance(Duration d) {
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

  private static List<AuditCheckpoint> checkpointsIn(String ndjson) throws Exception {
    List<AuditCheckpoint> out = new ArrayList<>();
    for (String line : ndjson.split("\n")) {
      JsonNode n = Json.mapper().readTree(line);
      if (n.has("checkpoint")) {
        out.add(Json.mapper().treeToValue(n.get("checkpoint"), AuditCheckpoint.class));
      }
    }
    return out;
  }

  @Test
  void signsEveryNRecordsAndAfterTheIntervalWhenThereIsNewWork() throws Exception {
    ManualClock clock = new ManualClock();
    try (Store s = Store.openEmbedded(dir)) {
      AuditLog log = new AuditLog(s, clock);
      AuditTrail trail = AuditTrail.create(dir, s, log, clock, 10, Duration.ofMinutes(5));
      for (int i = 0; i < 25; i++) {
        log.append("test", "alice", null, null, null, Map.of("i", i));
      }
      trail.checkpointer().tick();
      CheckpointStore cps = new CheckpointStore(s);
      assertThat(cps.between(0, 100)).extracting(AuditCheckpoint::seq).containsExactly(10L, 20L);

      clock.advance(Duration.ofMinutes(5));
      trail.checkpointer().tick();
      assertThat(cps.between(0, 100))
          .extracting(AuditCheckpoint::seq)
          .containsExactly(10L, 20L, 25L);

      // Nothing new: no checkpoint however long we wait.
      clock.advance(Duration.ofMinutes(30));
      trail.checkpointer().tick();
      assertThat(cps.between(0, 100)).hasSize(3);

      ECKey pub = ECKey.parse(trail.signer().publicJwk());
      assertThat(pub.isPrivate()).isFalse();
      for (AuditCheckpoint cp : cps.between(0, 100)) {
        JWSObject jws = JWSObject.parse(cp.jws());
        assertThat(jws.verify(new ECDSAVerifier(pub))).isTrue();
        assertThat(jws.getHeader().getType().getType()).isEqualTo(AuditCheckpoint.JWS_TYPE);
        Map<String, Object> payload = jws.getPayload().toJSONObject();
        assertThat(((Number) payload.get("seq")).longValue()).isEqualTo(cp.seq());
        assertThat(payload.get("hash")).isEqualTo(cp.hash()).isEqualTo(log.hashAt(cp.seq()));
        assertThat(payload.get("time")).isEqualTo(cp.time());
      }

      // A restart picks up where the store is: the next multiple is 30, not 10 again.
      AuditTrail again = AuditTrail.create(dir, s, log, clock, 10, Duration.ofMinutes(5));
      for (int i = 0; i < 5; i++) {
        log.append("test", "alice", null, null, null, Map.of());
      }
      again.checkpointer().tick();
      assertThat(cps.between(0, 100))
          .extracting(AuditCheckpoint::seq)
          .containsExactly(10L, 20L, 25L, 30L);
      assertThat(again.signer().publicJwk()).isEqualTo(trail.signer().publicJwk());
    }
    Path key = dir.resolve("keys/audit.jwk");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(AuditSigner.readPublicJwk(dir)).doesNotContain("\"d\"");
    assertThat(Files.readString(key, StandardCharsets.UTF_8)).contains("\"d\"");
  }

  @Test
  void exportEndsWithACheckpointAndPlacesEachAfterItsRecord() throws Exception {
    ManualClock clock = new ManualClock();
    try (Store s = Store.openEmbedded(dir)) {
      AuditLog log = new AuditLog(s, clock);
      AuditTrail trail = AuditTrail.create(dir, s, log, clock, 4, Duration.ofMinutes(5));
      for (int i = 1; i <= 10; i++) {
        log.append("test", i % 2 == 0 ? "bob" : "alice", "db", null, "T-" + (i % 3), Map.of());
      }
      trail.checkpointer().tick();
      String all =
          new String(
              trail.exporter().export(new AuditExporter.Query(null, null, null, null)).body(),
              StandardCharsets.UTF_8);
      String[] lines = all.split("\n");
      JsonNode header = Json.mapper().readTree(lines[0]).get("export");
      assertThat(header.get("filtered").asBoolean()).isFalse();
      assertThat(header.get("toSeq").asLong()).isEqualTo(10);
      // header, 10 records, checkpoints 4 and 8 after their records, then 10 (signed on export)
      assertThat(lines).hasSize(1 + 10 + 3);
      assertThat(Json.mapper().readTree(lines[5]).get("checkpoint").get("seq").asLong())
          .isEqualTo(4);
      assertThat(Json.mapper().readTree(lines[4]).get("seq").asLong()).isEqualTo(4);
      assertThat(Json.mapper().readTree(lines[13]).get("checkpoint").get("seq").asLong())
          .isEqualTo(10);
      assertThat(checkpointsIn(all)).extracting(AuditCheckpoint::seq).containsExactly(4L, 8L, 10L);

      String task =
          new String(
              trail.exporter().export(new AuditExporter.Query(null, "T-1", null, null)).body(),
              StandardCharsets.UTF_8);
      JsonNode th = Json.mapper().readTree(task.split("\n")[0]).get("export");
      assertThat(th.get("filtered").asBoolean()).isTrue();
      assertThat(th.get("task").asText()).isEqualTo("T-1");
      // seq 1, 4, 7, 10 have task T-1; the checkpoints at 4 and 10 match exported records.
      assertThat(task.split("\n")).hasSize(1 + 4 + 2);
      assertThat(checkpointsIn(task)).extracting(AuditCheckpoint::seq).containsExactly(4L, 10L);

      String own =
          new String(
              trail.exporter().export(new AuditExporter.Query(null, null, null, "bob")).body(),
              StandardCharsets.UTF_8);
      assertThat(own).doesNotContain("\"alice\"");
      assertThat(Json.mapper().readTree(own.split("\n")[0]).get("export").get("principal").asText())
          .isEqualTo("bob");
    }
  }
}
