package io.hoop.cli.connect;

import io.hoop.api.Grant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What to tell the user (and a child command) about a local tunnel for a given target type. */
public final class ConnectionHints {
  public static final String HOST = "127.0.0.1";

  private ConnectionHints() {}

  /** Lines for stderr after "Connect to 127.0.0.1:P". */
  public static List<String> lines(Grant grant, int port) {
    List<String> lines = new ArrayList<>();
    lines.add("Connect to " + HOST + ":" + port);
    if (isPostgres(grant)) {
      lines.add("  psql \"" + psqlConnInfo(grant, port) + "\"");
      lines.add("  postgresql://" + HOST + ":" + port + "/");
    }
    return lines;
  }

  /** libpq key/value connection string for {@code psql}. */
  public static String psqlConnInfo(Grant grant, int port) {
    String info = "host=" + HOST + " port=" + port;
    if (grant.role() != null && grant.role().matches("[A-Za-z0-9_.-]+")) {
      info += " user=" + grant.role();
    }
    return info;
  }

  /**
   * Environment for a command run through the tunnel. Variables the user already set for libpq's
   * user and database are theirs; host and port must point at the tunnel.
   */
  public static Map<String, String> environment(
      Grant grant, int port, Map<String, String> existing) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOOP_HOST", HOST);
    env.put("HOOP_PORT", Integer.toString(port));
    env.put("HOOP_GRANT_ID", grant.id());
    env.put("HOOP_TARGET", grant.target());
    if (isPostgres(grant)) {
      env.put("PGHOST", HOST);
      env.put("PGPORT", Integer.toString(port));
      if (grant.role() != null && !existing.containsKey("PGUSER")) {
        env.put("PGUSER", grant.role());
      }
    }
    return env;
  }

  static boolean isPostgres(Grant grant) {
    return "postgres".equalsIgnoreCase(grant.targetType());
  }
}
