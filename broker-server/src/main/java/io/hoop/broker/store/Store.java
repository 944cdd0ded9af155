package io.hoop.broker.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The broker's relational store: a pooled DataSource with the schema migrated by Flyway. */
public final class Store implements AutoCloseable {
  // The HTTP workers (16) and the tunnel authorizer share the pool; the audit chain has one
  // writer anyway, so more connections would mostly wait on its lock.
  private static final int POOL_SIZE = 8;
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
  private final HikariDataSource dataSource;

  private Store(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Opens (creating on first use) the embedded H2 store {@code <dataDir>/hoop.mv.db}.
   *
   * <p>H2 keeps committed changes in memory and writes them to its file in the background (every
   * 500 ms): a broker killed (kill -9, OOM killer) lost decisions and audit records it had already
   * answered for (BrokerKillIT). Callers that acknowledge something call {@link #durable} after
   * their commit; the audit log does after every batch, and every decision is answered only after
   * its audit record.
   */
  public static Store openEmbedded(Path dataDir) {
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("hoop")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    return open(url, "hoop", "");
  }

  /**
   * Opens the configured store: PostgreSQL when {@code postgres} is present, the embedded H2 store
   * in {@code dataDir} otherwise.
   */
  public static Store open(Optional<PostgresConfig> postgres, Path dataDir) {
    return postgres.isPresent() ? openPostgres(postgres.get()) : openEmbedded(dataDir);
  }

  /**
   * Opens a PostgreSQL store and migrates it.
   *
   * @throws StoreException naming the server and user (never the password) when it cannot be
   *     reached, the login fails or the schema cannot be migrated
   */
  public static Store openPostgres(PostgresConfig pg) {
    HikariConfig hc = poolConfig(pg.jdbcUrl(), pg.user(), pg.password());
    // Fail a request within seconds when the server is gone rather than hold a worker for the
    // driver's defaults (no socket timeout at all): the API answers 503 and the caller retries.
    hc.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    hc.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
    hc.addDataSourceProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
    hc.addDataSourceProperty("tcpKeepAlive", "true");
    hc.addDataSourceProperty("ApplicationName", "hoop-broker");
    try {
      return migrate(new HikariDataSource(hc));
    } catch (RuntimeException e) {
      // Hikari's and Flyway's messages carry the URL and the server's reason, never the password.
      throw new StoreException(
          "cannot open the PostgreSQL store " + pg.describe() + ": " + rootMessage(e), e);
    }
  }

  /** Opens any JDBC store and migrates it. */
  public static Store open(String jdbcUrl, String user, String password) {
    return migrate(new HikariDataSource(poolConfig(jdbcUrl, user, password)));
  }

  private static HikariConfig poolConfig(String jdbcUrl, String user, String password) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setUsername(user);
    hc.setPassword(password);
    hc.setMaximumPoolSize(POOL_SIZE);
    hc.setPoolName("hoop-store");
    return hc;
  }

  private static Store migrate(HikariDataSource ds) {
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Store(ds);
  }

  /** The driver's own words (e.g. "password authentication failed"), else the root cause's. */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && !(t instanceof SQLException)) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.strip();
  }

  /**
   * Makes every commit made so far survive a kill of the broker process once this returns: on H2
   * the changes still in memory are written to the file now, in one write for all concurrent
   * callers (the file is not fsynced: a crash of the machine may still lose the last commits). On
   * PostgreSQL a commit is in the server's log already; nothing to do.
   *
   * @param c a connection of this store (any: H2 writes the whole database)
   */
  void durable(Connection c) throws SQLException {
    if (c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)
        && c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()
            instanceof org.h2.engine.SessionLocal local) {
      local.getDatabase().getStore().getMvStore().commit();
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }

  Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  static OffsetDateTime ts(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
