package io.hoop.broker.retention;

import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.config.RetentionConfig.Keep;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Purges the recorded statements of sessions that ended longer ago than their target's retention (a
 * session the broker never saw close counts from its start), a bounded chunk per transaction, and
 * marks each session {@code statements_purged_at} so it says what is gone.
 */
final class StatementPurge {
  static final String KIND = "statements";
  static final int SESSIONS_PER_QUERY = 100;
  static final int ROWS_PER_BATCH = 1000;

  /** Deleted statements and the sessions they belonged to. */
  record Outcome(long statements, long sessions) {}

  Outcome run(
      Connection c, RetentionConfig cfg, Instant now, boolean dryRun, Runnable betweenBatches)
      throws SQLException {
    long statements = 0;
    long sessions = 0;
    for (String target : targets(c)) {
      Keep keep = cfg.statementsOf(target);
      Optional<Instant> cutoff = keep.cutoff(now);
      if (cutoff.isEmpty()) {
        continue;
      }
      if (dryRun) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "select count(*), count(distinct s.id) from tunnel_sessions s join"
                    + " session_statements st on st.session_id = s.id where s.target = ? and"
                    + " coalesce(s.closed_at, s.opened_at) < ?")) {
          ps.setString(1, target);
          ps.setObject(2, OffsetDateTime.ofInstant(cutoff.get(), ZoneOffset.UTC));
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              statements += rs.getLong(1);
              sessions += rs.getLong(2);
            }
          }
        }
        continue;
      }
      // Each pass removes every statement of the sessions it found, so they are not found again.
      for (List<String> ids = due(c, target, cutoff.get());
          !ids.isEmpty();
          ids = due(c, target, cutoff.get())) {
        for (String id : ids) {
          statements += purgeSession(c, id, now, betweenBatches);
          sessions++;
        }
      }
    }
    return new Outcome(statements, sessions);
  }

  private static List<String> targets(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("select distinct target from tunnel_sessions");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<String> due(Connection c, String target, Instant cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select s.id from tunnel_sessions s where s.target = ? and"
                + " coalesce(s.closed_at, s.opened_at) < ? and exists (select 1 from"
                + " session_statements st where st.session_id = s.id) order by s.opened_at"
                + " limit ?")) {
      ps.setString(1, target);
      ps.setObject(2, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
      ps.setInt(3, SESSIONS_PER_QUERY);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  /** Deletes a session's statements a chunk at a time, then marks the session. */
  private static long purgeSession(Connection c, String id, Instant now, Runnable betweenBatches)
      throws SQLException {
    long deleted = 0;
    while (true) {
      Integer bound = null;
      try (PreparedStatement ps =
          c.prepareStatement(
              "select seq from session_statements where session_id = ? order by seq"
                  + " offset ? rows fetch next 1 rows only")) {
        ps.setString(1, id);
        ps.setInt(2, ROWS_PER_BATCH - 1);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            bound = rs.getInt(1);
          }
        }
      }
      try (PreparedStatement del =
          c.prepareStatement(
              bound == null
                  ? "delete from session_statements where session_id = ?"
                  : "delete from session_statements where session_id = ? and seq <= ?")) {
        del.setString(1, id);
        if (bound != null) {
          del.setInt(2, bound);
        }
        deleted += del.executeUpdate();
      }
      betweenBatches.run();
      if (bound == null) {
        break;
      }
    }
    try (PreparedStatement mark =
        c.prepareStatement("update tunnel_sessions set statements_purged_at = ? where id = ?")) {
      mark.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      mark.setString(2, id);
      mark.executeUpdate();
    }
    return deleted;
  }
}
