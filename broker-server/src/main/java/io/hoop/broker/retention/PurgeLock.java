package io.hoop.broker.retention;

import com.zaxxer.hikari.HikariDataSource;
import io.hoop.broker.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One purger at a time over one store. Within a broker a plain lock keeps the schedule and the
 * admin trigger apart. On PostgreSQL, where replicas share the store, a session-level advisory lock
 * ({@code pg_try_advisory_lock}) is taken on one connection and every delete of the purge runs on
 * that same connection, in its own short transaction per batch: a transaction-level lock would be
 * released at the first batch's commit. If the replica dies or its connection drops, PostgreSQL
 * ends the session and frees the lock, and the deletes that connection would have run die with it,
 * so two replicas never delete at once. On H2 the store belongs to one broker process.
 */
final class PurgeLock {
  /** The advisory lock's key: "hoop-ret" in ASCII. Public so operators can see who holds it. */
  static final long KEY = 0x686f6f702d726574L;

  private static final Logger LOG = LoggerFactory.getLogger(PurgeLock.class);

  private final ReentrantLock local = new ReentrantLock();
  private final Store store;

  PurgeLock(Store store) {
    this.store = store;
  }

  /** A held lock and the connection the purge must run on. */
  final class Held implements AutoCloseable {
    private final Connection connection;
    private final boolean advisory;

    private Held(Connection connection, boolean advisory) {
      this.connection = connection;
      this.advisory = advisory;
    }

    Connection connection() {
      return connection;
    }

    @Override
    public void close() {
      try {
        if (advisory) {
          unlock(connection);
        }
        connection.close();
      } catch (SQLException e) {
        LOG.warn("cannot release the retention purge connection cleanly: {}", e.getMessage());
      } finally {
        local.unlock();
      }
    }
  }

  /** Why the lock was not taken, or the lock. */
  record Attempt(Held held, String busy) {}

  /** Takes the lock without waiting. */
  Attempt tryAcquire() throws SQLException {
    if (!local.tryLock()) {
      return new Attempt(null, "a purge of this broker is already running");
    }
    Connection c = null;
    try {
      c = store.dataSource().getConnection();
      boolean postgres = isPostgres(c);
      if (postgres && !tryAdvisory(c)) {
        c.close();
        local.unlock();
        return new Attempt(
            null, "another replica holds the retention purge lock (pg advisory lock " + KEY + ")");
      }
      c.setAutoCommit(true);
      return new Attempt(new Held(c, postgres), null);
    } catch (SQLException | RuntimeException e) {
      if (c != null) {
        c.close();
      }
      local.unlock();
      throw e;
    }
  }

  static boolean isPostgres(Connection c) throws SQLException {
    return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
  }

  private static boolean tryAdvisory(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
      ps.setLong(1, KEY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private void unlock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select pg_advisory_unlock(?)")) {
      ps.setLong(1, KEY);
      ps.execute();
    } catch (SQLException e) {
      // A pooled connection must not go back still holding the lock: drop it, which ends the
      // session and so the lock.
      DataSource ds = store.dataSource();
      if (ds instanceof HikariDataSource h) {
        h.evictConnection(c);
      }
      throw e;
    }
  }
}
