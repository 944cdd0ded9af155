package io.hoop.broker.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hoop.api.Json;
import io.hoop.api.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Principals seen at login and tunnel sessions (one row per relayed connection). */
public final class SessionStore {
  private final Store store;

  public SessionStore(Store store) {
    this.store = store;
  }

  /** Records a login: creates the principal or refreshes its email, groups and last login. */
  public void upsertPrincipal(Principal p, Instant now) {
    String groups;
    try {
      groups = Json.mapper().writeValueAsString(p.groups());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("groups of " + p.name() + " are not serializable", e);
    }
    try (Connection c = store.connection()) {
      try (PreparedStatement up =
          c.prepareStatement(
              "update principals set email = ?, groups_json = ?, login_method = ?, last_login = ?"
                  + " where name = ?")) {
        up.setString(1, p.email());
        up.setString(2, groups);
        up.setString(3, p.loginMethod());
        up.setObject(4, Store.ts(now));
        up.setString(5, p.name());
        if (up.executeUpdate() > 0) {
          return;
        }
      }
      try (PreparedStatement ins =
          c.prepareStatement(
              "insert into principals (name, email, groups_json, login_method, first_seen,"
                  + " last_login) values (?, ?, ?, ?, ?, ?)")) {
        ins.setString(1, p.name());
        ins.setString(2, p.email());
        ins.setString(3, groups);
        ins.setString(4, p.loginMethod());
        ins.setObject(5, Store.ts(now));
        ins.setObject(6, Store.ts(now));
        ins.executeUpdate();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot record principal " + p.name(), e);
    }
  }

  /** Records a tunnel session of a target without roles. */
  public void tunnelOpened(
      String sessionId,
      String grantId,
      String principal,
      String target,
      String task,
      String remote,
      Instant at) {
    tunnelOpened(sessionId, grantId, principal, target, task, null, remote, at);
  }

  /**
   * Records a tunnel session as it opens.
   *
   * @param role the role it runs as (the grant's, else the target's default then), null when the
   *     target has no roles
   */
  public void tunnelOpened(
      String sessionId,
      String grantId,
      String principal,
      String target,
      String task,
      String role,
      String remote,
      Instant at) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into tunnel_sessions (id, grant_id, principal, target, task, role,"
                    + " remote_addr, opened_at) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, sessionId);
      ps.setString(2, grantId);
      ps.setString(3, principal);
      ps.setString(4, target);
      ps.setString(5, task);
      ps.setString(6, role);
      ps.setString(7, remote);
      ps.setObject(8, Store.ts(at));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record tunnel session " + sessionId, e);
    }
  }

  public void tunnelClosed(
      String sessionId, long bytesUp, long bytesDown, String reason, Instant at) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "update tunnel_sessions set closed_at = ?, bytes_up = ?, bytes_down = ?,"
                    + " close_reason = ? where id = ?")) {
      ps.setObject(1, Store.ts(at));
      ps.setLong(2, bytesUp);
      ps.setLong(3, bytesDown);
      ps.setString(4, reason);
      ps.setString(5, sessionId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record close of tunnel session " + sessionId, e);
    }
  }
}
