package io.hoop.cli.audit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditCheckpoint;
import io.hoop.api.AuditExportHeader;
import io.hoop.api.AuditRecord;
import io.hoop.api.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds exports exactly as the broker writes them, signed with a throw-away key. */
final class ExportFixture {
  final ECKey key;
  final List<AuditRecord> records = new ArrayList<>();

  ExportFixture() throws Exception {
    this(
        new ECKeyGenerator(Curve.P_256)
            .keyID("test-audit")
            .algorithm(JWSAlgorithm.ES256)
            .generate());
  }

  /** A fixture signing with {@code key} (another log of the same broker). */
  ExportFixture(ECKey key) {
    this.key = key;
  }

  /** Appends {@code n} records chained from genesis. */
  ExportFixture records(int n) {
    return records(n, "alice");
  }

  /** Appends {@code n} records of {@code principal} chained from genesis. */
  ExportFixture records(int n, String principal) {
    Instant t = Instant.parse("2025-03-01T09:00:00.000001Z");
    for (int i = 0; i < n; i++) {
      long seq = records.size() + 1;
      String prev =
          records.isEmpty() ? AuditCanonical.GENESIS_HASH : records.get(records.size() - 1).hash();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("i", i);
      d.put("note", "Zoë");
      var details = Json.mapper().valueToTree(d);
      Instant at = t.plusMillis(seq);
      String task = "T-" + (seq % 3);
      String hash =
          AuditCanonical.hash(seq, at, "test", principal, "db", null, task, details, prev);
      records.add(
          new AuditRecord(
              seq,
              AuditCanonical.time(at),
              "test",
              principal,
              "db",
              null,
              task,
              details,
              prev,
              hash));
    }
    return this;
  }

  static AuditCheckpoint sign(ECKey key, long seq, String hash) throws Exception {
    String time = "2025-03-01T10:00:00.000000Z";
    Map<String, Object> claims = Map.of("seq", seq, "hash", hash, "time", time);
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AuditCheckpoint.JWS_TYPE))
                .keyID(key.getKeyID())
                .build(),
            new Payload(AuditCanonical.json(claims)));
    jws.sign(new ECDSASigner(key));
    return new AuditCheckpoint(seq, hash, time, jws.serialize());
  }

  /** The export lines: header, records, a checkpoint after every {@code every}-th and the last. */
  List<String> lines(int every) throws Exception {
    List<String> out = new ArrayList<>();
    long head = records.isEmpty() ? 0 : records.get(records.size() - 1).seq();
    out.add(
        Json.mapper()
            .writeValueAsString(
                new AuditExportHeader.Line(
                    new AuditExportHeader(
                        "2025-03-01T10:00:00.000000Z", false, null, null, null, null, head))));
    for (AuditRecord r : records) {
      out.add(Json.mapper().writeValueAsString(r));
      if (r.seq() % every == 0 || r.seq() == head) {
        out.add(
            Json.mapper()
                .writeValueAsString(new AuditCheckpoint.Line(sign(key, r.seq(), r.hash()))));
      }
    }
    return out;
  }

  static String text(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }
}
