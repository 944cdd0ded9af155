package io.hoop.cli.connect;

import io.hoop.api.Grant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What to tell the user (and a child command) about a local tunnel for a given target type. */
public final class ConnectionHints {
  public static final String HOST = "127.0.0.1";

  /** The user name clients give a postgres engine tunnel; the broker ignores it. */
  static final String ENGINE_USER = "hoop";

  private ConnectionHints() {}

  /** Lines for stderr after "Connect to 127.0.0.1:P". */
  public static List<String> lines(Grant grant, int port) {
    return lines(grant, port, null);
  }

  /**
   * As {@link #lines(Grant, int)}; {@code database} is set when the broker runs the postgres engine
   * for the target, which logs in itself, so any user name and no password will do.
   */
  public static List<String> lines(Grant grant, int port, String database) {
    List<String> lines = new ArrayList<>();
    lines.add("Connect to " + HOST + ":" + port);
    if (database != null) {
      lines.add("  psql \"" + postgresUrl(port, database) + "\"");
      lines.add("  " + postgresUrl(port, database));
      lines.add(
          "  (the broker logs in to the database"
              + (grant.role() == null ? "" : " as role " + grant.role())
              + "; no password needed)");
    } else if (isPostgres(grant)) {
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

  /** The libpq URL of a tunnel to a postgres engine target: the hop to the broker is TLS. */
  public static String postgresUrl(int port, String database) {
    return "postgresql://"
        + ENGINE_USER
        + "@"
        + HOST
        + ":"
        + port
        + "/"
        + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8)
            .replace("+", "%20")
        + "?sslmode=disable";
  }

  /** As {@link #environment(Grant, int, String, Map)} for a raw relay. */
  public static Map<String, String> environment(
      Grant grant, int port, Map<String, String> existing) {
    return environment(grant, port, null, existing);
  }

  /**
   * Environment for a command run through the tunnel. Host and port must point at the tunnel; on a
   * raw relay the user's own libpq user and database stay theirs, while for the postgres engine
   * ({@code database} non-null) hoop sets user, database and sslmode too.
   */
  public static Map<String, String> environment(
      Grant grant, int port, String database, Map<String, String> existing) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOOP_HOST", HOST);
    env.put("HOOP_PORT", Integer.toString(port));
    env.put("HOOP_GRANT_ID", grant.id());
    env.put("HOOP_TARGET", grant.target());
    if (database != null) {
      // The postgres engine logs in itself: these only have to reach it, whatever the shell set.
      env.put("PGHOST", HOST);
      env.put("PGPORT", Integer.toString(port));
      env.put("PGUSER", ENGINE_USER);
      env.put("PGDATABASE", database);
      env.put("PGSSLMODE", "disable");
    } else if (isPostgres(grant)) {
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
