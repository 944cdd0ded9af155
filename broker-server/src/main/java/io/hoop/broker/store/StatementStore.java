package io.hoop.broker.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.hoop.api.Json;
import io.hoop.api.SessionStatement;
import io.hoop.api.SessionSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Recorded statements of postgres sessions and the session list built on tunnel_sessions. */
public final class StatementStore {
  static final int MAX_SQL_CHARS = 100_000;
  private static final String SUMMARY =
      "select s.id, s.grant_id, s.principal, s.target, s.task, s.role, s.opened_at, s.closed_at,"
          + " s.bytes_up, s.bytes_down, s.close_reason, s.statements_dropped,"
          + " (select count(*) from session_statements st where st.session_id = s.id),"
          + " (select count(*) from session_statements st where st.session_id = s.id"
          + " and st.blocked = true), s.recording_purged_at, s.statements_purged_at"
          + " from tunnel_sessions s";

  private final Store store;

  public StatementStore(Store store) {
    this.store = store;
  }

  /** One statement to insert. */
  public record Row(String sessionId, int seq, SessionStatement statement) {}

  /** Which sessions a caller may see. */
  public record Visibility(boolean all, String principal, Set<String> reviewedTargets) {}

  /** Inserts statements in one transaction. */
  public void insert(List<Row> rows) {
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into session_statements (session_id, seq, started_at, duration_micros,"
                  + " sql_text, parameters_json, row_count, command_tag, masked_fields, blocked,"
                  + " blocked_by, error) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Row r : rows) {
          SessionStatement st = r.statement();
          ps.setString(1, r.sessionId());
          ps.setInt(2, r.seq());
          ps.setObject(3, Store.ts(st.startedAt()));
          ps.setLong(4, st.durationMicros());
          ps.setString(5, clip(st.sql(), MAX_SQL_CHARS));
          ps.setString(6, parameters(st.parameters()));
          ps.setLong(7, st.rows());
          ps.setString(8, clip(st.commandTag(), 200));
          ps.setInt(9, st.maskedFields());
          ps.setBoolean(10, st.blocked());
          ps.setString(11, clip(st.blockedBy(), 1000));
          ps.setString(12, clip(st.error(), 2000));
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot record " + rows.size() + " session statements", e);
    }
  }

  /** Sets how many statements of a session the recorder had to drop. */
  public void setDropped(String sessionId, long dropped) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement("update tunnel_sessions set statements_dropped = ? where id = ?")) {
      ps.setLong(1, dropped);
      ps.setString(2, sessionId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record dropped statements of session " + sessionId, e);
    }
  }

  /** Sessions newest first, filtered by task, target and principal when given. */
  public List<SessionSummary> list(
      Visibility who, String task, String target, String principal, int limit) {
    StringBuilder sql = new StringBuilder(SUMMARY).append(" where 1 = 1");
    List<Object> args = new ArrayList<>();
    if (!who.all()) {
      sql.append(" and (s.principal = ?");
      args.add(who.principal());
      for (String t : who.reviewedTargets()) {
        sql.append(" or s.target = ?");
        args.add(t);
      }
      sql.append(')');
    }
    for (Map.Entry<String, String> f :
        Map.of("s.task", nz(task), "s.target", nz(target), "s.principal", nz(principal))
            .entrySet()) {
      if (!f.getValue().isEmpty()) {
        sql.append(" and ").append(f.getKey()).append(" = ?");
        args.add(f.getValue());
      }
    }
    sql.append(" order by s.opened_at desc, s.id limit ?");
    args.add(limit);
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<SessionSummary> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(summary(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list sessions", e);
    }
  }

  /** One session, whoever may see it (the caller checks visibility). */
  public Optional<SessionSummary> find(String sessionId) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(SUMMARY + " where s.id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(summary(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read session " + sessionId, e);
    }
  }

  /** The statements of a session in order, at most {@code limit}. */
  public List<SessionStatement> statements(String sessionId, int limit) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "select seq, started_at, duration_micros, sql_text, parameters_json, row_count,"
                    + " command_tag, masked_fields, blocked, blocked_by, error"
                    + " from session_statements where session_id = ? order by seq limit ?")) {
      ps.setString(1, sessionId);
      ps.setInt(2, limit);
      List<SessionStatement> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new SessionStatement(
                  rs.getInt(1),
                  Store.instant(rs.getObject(2, OffsetDateTime.class)),
                  rs.getLong(3),
                  rs.getString(4),
                  parseParameters(rs.getString(5)),
                  rs.getLong(6),
                  rs.getString(7),
                  rs.getInt(8),
                  rs.getBoolean(9),
                  rs.getString(10),
                  rs.getString(11)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read statements of session " + sessionId, e);
    }
  }

  private static SessionSummary summary(ResultSet rs) throws SQLException {
    return new SessionSummary(
            rs.getString(1),
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            rs.getString(6),
            Store.instant(rs.getObject(7, OffsetDateTime.class)),
            Store.instant(rs.getObject(8, OffsetDateTime.class)),
            rs.getLong(9),
            rs.getLong(10),
            rs.getString(11),
            rs.getLong(13),
            rs.getLong(14),
            rs.getLong(12))
        .withPurges(
            Store.instant(rs.getObject(15, OffsetDateTime.class)),
            Store.instant(rs.getObject(16, OffsetDateTime.class)));
  }

  private static String parameters(List<String> values) {
    List<String> clipped = new ArrayList<>();
    // JSON escapes can grow text up to six times; stay well inside the column.
    int budget = MAX_SQL_CHARS / 8;
    for (String v : values) {
      String c = v == null ? null : clip(v, Math.max(0, Math.min(4096, budget)));
      budget -= c == null ? 4 : c.length() + 8;
      if (budget < 0) {
        clipped.add("...");
        break;
      }
      clipped.add(c);
    }
    try {
      return Json.mapper().writeValueAsString(clipped);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("statement parameters are not serializable", e);
    }
  }

  private static List<String> parseParameters(String json) {
    try {
      return Json.mapper().readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new StoreException("stored statement parameters are not a JSON list", e);
    }
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, Math.max(0, max - 3)) + "...";
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
