package io.hoop.broker.store;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.direct.DirectCredentials;
import io.hoop.engine.postgres.auth.ScramVerifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;

/**
 * Direct-access credentials in table {@code direct_credentials}, shared by every replica on the
 * store: issued on one, a password logs in on any, and wrong passwords count toward one limit
 * whichever replica they were tried on. Only the SCRAM verifier is stored, never the password.
 */
public final class DirectCredentialStore implements DirectCredentials.Table {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final Store store;

  public DirectCredentialStore(Store store) {
    this.store = requireNonNull(store, "store");
  }

  @Override
  public void put(DirectCredentials.Entry e) {
    ScramVerifier v = e.verifier();
    // delete then insert in one transaction: one upsert both H2 and PostgreSQL read the same way
    inTransaction(
        "keep the direct credential of grant " + e.grantId(),
        c -> {
          execute(c, "delete from direct_credentials where grant_id = ?", e.grantId());
          execute(
              c,
              "insert into direct_credentials (grant_id, principal, salt, iterations, stored_key,"
                  + " server_key, expires_at, failures) values (?, ?, ?, ?, ?, ?, ?, 0)",
              e.grantId(),
              e.principal(),
              B64.encodeToString(v.salt()),
              v.iterations(),
              B64.encodeToString(v.storedKey()),
              B64.encodeToString(v.serverKey()),
              Store.ts(e.expiresAt()));
          return null;
        });
  }

  @Override
  public Optional<DirectCredentials.Entry> get(String grantId) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "select principal, salt, iterations, stored_key, server_key, expires_at"
                    + " from direct_credentials where grant_id = ?")) {
      ps.setString(1, grantId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        ScramVerifier v =
            new ScramVerifier(
                B64D.decode(rs.getString(2)),
                rs.getInt(3),
                B64D.decode(rs.getString(4)),
                B64D.decode(rs.getString(5)));
        Instant expiresAt = Store.instant(rs.getObject(6, OffsetDateTime.class));
        return Optional.of(new DirectCredentials.Entry(grantId, rs.getString(1), v, expiresAt));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the direct credential of grant " + grantId, e);
    }
  }

  @Override
  public int addFailure(String grantId) {
    // The update locks the row until commit, so two replicas counting at once both count, and
    // each reads back its own count.
    return inTransaction(
        "count a failed direct login of grant " + grantId,
        c -> {
          if (execute(
                  c,
                  "update direct_credentials set failures = failures + 1 where grant_id = ?",
                  grantId)
              == 0) {
            return 0;
          }
          try (PreparedStatement read =
              c.prepareStatement("select failures from direct_credentials where grant_id = ?")) {
            read.setString(1, grantId);
            try (ResultSet rs = read.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 0;
            }
          }
        });
  }

  @Override
  public void remove(String grantId) {
    inTransaction(
        "forget the direct credential of grant " + grantId,
        c -> execute(c, "delete from direct_credentials where grant_id = ?", grantId));
  }

  @Override
  public void removeExpired(Instant now) {
    inTransaction(
        "purge expired direct credentials",
        c -> execute(c, "delete from direct_credentials where expires_at <= ?", Store.ts(now)));
  }

  @Override
  public int count() {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("select count(*) from direct_credentials");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new StoreException("cannot count direct credentials", e);
    }
  }

  /** Statements on one connection, committed together. */
  @FunctionalInterface
  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction; {@code what} names it in the store's exception. */
  private <T> T inTransaction(String what, SqlWork<T> work) {
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot " + what, e);
    }
  }

  private static int execute(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }
}
