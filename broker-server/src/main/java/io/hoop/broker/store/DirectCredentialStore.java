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
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement del =
              c.prepareStatement("delete from direct_credentials where grant_id = ?");
          PreparedStatement ins =
              c.prepareStatement(
                  "insert into direct_credentials (grant_id, principal, salt, iterations,"
                      + " stored_key, server_key, expires_at, failures)"
                      + " values (?, ?, ?, ?, ?, ?, ?, 0)")) {
        del.setString(1, e.grantId());
        del.executeUpdate();
        ins.setString(1, e.grantId());
        ins.setString(2, e.principal());
        ins.setString(3, B64.encodeToString(v.salt()));
        ins.setInt(4, v.iterations());
        ins.setString(5, B64.encodeToString(v.storedKey()));
        ins.setString(6, B64.encodeToString(v.serverKey()));
        ins.setObject(7, Store.ts(e.expiresAt()));
        ins.executeUpdate();
        c.commit();
      } catch (SQLException | RuntimeException ex) {
        c.rollback();
        throw ex;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException ex) {
      throw new StoreException("cannot keep the direct credential of grant " + e.grantId(), ex);
    }
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
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement up =
              c.prepareStatement(
                  "update direct_credentials set failures = failures + 1 where grant_id = ?");
          PreparedStatement read =
              c.prepareStatement("select failures from direct_credentials where grant_id = ?")) {
        up.setString(1, grantId);
        if (up.executeUpdate() == 0) {
          c.commit();
          return 0;
        }
        read.setString(1, grantId);
        int n;
        try (ResultSet rs = read.executeQuery()) {
          n = rs.next() ? rs.getInt(1) : 0;
        }
        c.commit();
        return n;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot count a failed direct login of grant " + grantId, e);
    }
  }

  @Override
  public void remove(String grantId) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement("delete from direct_credentials where grant_id = ?")) {
      ps.setString(1, grantId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot forget the direct credential of grant " + grantId, e);
    }
  }

  @Override
  public void removeExpired(Instant now) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement("delete from direct_credentials where expires_at <= ?")) {
      ps.setObject(1, Store.ts(now));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot purge expired direct credentials", e);
    }
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
}
