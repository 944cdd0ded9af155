package io.hoop.broker.retention;

import io.hoop.api.Durations;
import io.hoop.broker.config.RetentionConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The pieces of {@code hoop-broker retention status}, as JSON-ready maps. */
final class RetentionStatus {
  private RetentionStatus() {}

  static Map<String, Object> configured(RetentionConfig cfg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recordings", cfg.recordings().toString());
    m.put("statements", cfg.statements().toString());
    m.put("audit", cfg.audit().toString());
    m.put("interval", Durations.format(cfg.interval()));
    Map<String, Object> targets = new LinkedHashMap<>();
    cfg.targets()
        .forEach(
            (name, t) -> {
              Map<String, Object> tm = new LinkedHashMap<>();
              t.recordings().ifPresent(k -> tm.put("recordings", k.toString()));
              t.statements().ifPresent(k -> tm.put("statements", k.toString()));
              if (!tm.isEmpty()) {
                targets.put(name, tm);
              }
            });
    m.put("targets", targets);
    return m;
  }

  static Map<String, Object> kind(
      String kind,
      RetentionConfig.Keep keep,
      Instant oldest,
      Long oldestSeq,
      long due,
      String waitingFor,
      Optional<Map<String, Object>> last) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("keep", keep.toString());
    m.put("oldest", oldest == null ? null : oldest.toString());
    if (oldestSeq != null) {
      m.put("oldestSeq", oldestSeq);
    }
    m.put("due", due);
    if (waitingFor != null) {
      m.put("waitingFor", waitingFor);
    }
    m.put("lastPurge", last.orElse(null));
    return m;
  }

  static Instant oldestStatement(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement("select min(started_at) from session_statements");
        ResultSet rs = ps.executeQuery()) {
      OffsetDateTime t = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
      return t == null ? null : t.toInstant();
    }
  }
}
