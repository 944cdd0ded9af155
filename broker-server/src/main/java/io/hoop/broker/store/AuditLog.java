package io.hoop.broker.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Append-only audit records in the store. Callers never pass secrets in {@code details}. */
public final class AuditLog {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private final Store store;
  private final Clock clock;

  public AuditLog(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Appends one event and returns it with its sequence number. */
  public AuditEvent append(
      String type,
      String principal,
      String target,
      String grantId,
      String task,
      Map<String, Object> details) {
    var now = clock.instant();
    String json;
    try {
      json = Json.mapper().writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details for " + type + " are not serializable", e);
    }
    String sql =
        "insert into audit_events (event_time, event_type, principal, target, grant_id, task,"
            + " details) values (?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql, new String[] {"seq"})) {
      ps.setObject(1, Store.ts(now));
      ps.setString(2, type);
      ps.setString(3, principal);
      ps.setString(4, target);
      ps.setString(5, grantId);
      ps.setString(6, task);
      ps.setString(7, json);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        keys.next();
        return new AuditEvent(
            keys.getLong(1), now, type, principal, target, grantId, task, Map.copyOf(details));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot append audit event " + type, e);
    }
  }

  /**
   * Lists events after {@code afterSeq}, oldest first.
   *
   * @param principal only this principal's events, or all when null
   * @param task only this task's events, or all when null
   */
  public List<AuditEvent> list(long afterSeq, int limit, String principal, String task) {
    StringBuilder sql =
        new StringBuilder(
            "select seq, event_time, event_type, principal, target, grant_id, task, details from"
                + " audit_events where seq > ?");
    if (principal != null) {
      sql.append(" and principal = ?");
    }
    if (task != null) {
      sql.append(" and task = ?");
    }
    sql.append(" order by seq limit ?");
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      int i = 1;
      ps.setLong(i++, afterSeq);
      if (principal != null) {
        ps.setString(i++, principal);
      }
      if (task != null) {
        ps.setString(i++, task);
      }
      ps.setInt(i, limit);
      List<AuditEvent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new AuditEvent(
                  rs.getLong(1),
                  Store.instant(rs.getObject(2, OffsetDateTime.class)),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  Json.mapper().readValue(rs.getString(8), MAP)));
        }
      }
      return out;
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot list audit events", e);
    }
  }
}
