package io.hoop.broker.store;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.hoop.api.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Revoked broker tokens and the metadata of admin-minted tokens (never the tokens themselves). */
public final class TokenStore {
  private static final String DUPLICATE_KEY = "23505";

  private final Store store;

  public TokenStore(Store store) {
    this.store = requireNonNull(store, "store");
  }

  /** One admin-minted token. */
  public record AdminToken(
      String id,
      String principal,
      List<String> groups,
      Instant createdAt,
      Instant expiresAt,
      String createdBy,
      Optional<Instant> revokedAt) {
    public AdminToken {
      groups = List.copyOf(groups);
    }
  }

  /**
   * Revokes a token id until {@code expiresAt}; revoking twice keeps the first record.
   *
   * @return whether this call revoked it (false: it already was)
   */
  public boolean revoke(String jti, Instant expiresAt, String by, String reason, Instant now) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into revoked_tokens (jti, expires_at, revoked_at, revoked_by, reason)"
                    + " values (?, ?, ?, ?, ?)")) {
      ps.setString(1, jti);
      ps.setObject(2, Store.ts(expiresAt));
      ps.setObject(3, Store.ts(now));
      ps.setString(4, by);
      ps.setString(5, reason);
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (DUPLICATE_KEY.equals(e.getSQLState())) {
        return false;
      }
      throw new StoreException("cannot revoke token " + jti, e);
    }
  }

  /** Ids revoked and not yet expired at {@code now}. */
  public Set<String> revokedIds(Instant now) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement("select jti from revoked_tokens where expires_at > ?")) {
      ps.setObject(1, Store.ts(now));
      Set<String> out = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read revoked tokens", e);
    }
  }

  /** Records a newly minted admin token. */
  public void addAdminToken(AdminToken t) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into admin_tokens (id, principal, groups_json, created_at, expires_at,"
                    + " created_by) values (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, t.id());
      ps.setString(2, t.principal());
      ps.setString(3, Json.mapper().writeValueAsString(t.groups()));
      ps.setObject(4, Store.ts(t.createdAt()));
      ps.setObject(5, Store.ts(t.expiresAt()));
      ps.setString(6, t.createdBy());
      ps.executeUpdate();
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot record admin token " + t.id(), e);
    }
  }

  /** Admin tokens, newest first. */
  public List<AdminToken> adminTokens() {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "select id, principal, groups_json, created_at, expires_at, created_by, revoked_at"
                    + " from admin_tokens order by created_at desc, id")) {
      List<AdminToken> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new AdminToken(
                  rs.getString(1),
                  rs.getString(2),
                  Json.mapper().readValue(rs.getString(3), new TypeReference<List<String>>() {}),
                  Store.instant(rs.getObject(4, OffsetDateTime.class)),
                  Store.instant(rs.getObject(5, OffsetDateTime.class)),
                  rs.getString(6),
                  Optional.ofNullable(Store.instant(rs.getObject(7, OffsetDateTime.class)))));
        }
      }
      return out;
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot list admin tokens", e);
    }
  }

  /** Marks an admin token revoked and adds it to the revocation list. */
  public Optional<AdminToken> revokeAdminToken(String id, String by, Instant now) {
    Optional<AdminToken> t = adminTokens().stream().filter(a -> a.id().equals(id)).findFirst();
    if (t.isEmpty()) {
      return t;
    }
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "update admin_tokens set revoked_at = ? where id = ? and revoked_at is null")) {
      ps.setObject(1, Store.ts(now));
      ps.setString(2, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot revoke admin token " + id, e);
    }
    revoke(id, t.get().expiresAt(), by, "admin", now);
    return t;
  }
}
