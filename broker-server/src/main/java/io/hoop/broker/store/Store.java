package io.hoop.broker.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The broker's relational store: a pooled DataSource with the schema migrated by Flyway. */
public final class Store implements AutoCloseable {
  private final HikariDataSource dataSource;

  private Store(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Opens (creating on first use) the embedded H2 store {@code <dataDir>/hoop.mv.db}. */
  public static Store openEmbedded(Path dataDir) {
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("hoop")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    return open(url, "hoop", "");
  }

  /** Opens any JDBC store and migrates it. */
  public static Store open(String jdbcUrl, String user, String password) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setUsername(user);
    hc.setPassword(password);
    hc.setMaximumPoolSize(8);
    hc.setPoolName("hoop-store");
    HikariDataSource ds = new HikariDataSource(hc);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Store(ds);
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
