package io.hoop.cli.connect;

import io.hoop.api.Grant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What to tell the user (and a child command) about a local tunnel for a given target type. */
public final class ConnectionHints {
  public static final String HOST = "127.0.0.1";

  /** The variables naming a tunnel's local end, one set or the other by {@link #environment}. */
  public static final java.util.Set<String> TUNNEL_VARIABLES =
      java.util.Set.of("HOOP_HOST", "HOOP_PORT", "HOOP_SOCKET");

  /** The user name clients give a postgres engine tunnel; the broker ignores it. */
  static final String ENGINE_USER = "hoop";

  private ConnectionHints() {}

  /**
   * Lines for stderr about a tunnel on {@code at}. {@code database} is set when the broker runs the
   * postgres engine for the target, which logs in itself, so any user name and no password will do;
   * for a Unix socket psql gets a key/value string (a directory as host reads better there than
   * percent-encoded in a URL).
   */
  public static List<String> lines(Grant grant, LocalEndpoint at, String database) {
    List<String> lines = new ArrayList<>();
    lines.add("Connect to " + at.display());
    if (database != null) {
      String psql =
          at.isUnixSocket()
              ? hostAndPort(at)
                  + " user="
                  + ENGINE_USER
                  + " dbname="
                  + connInfoValue(database)
                  + " sslmode=disable"
              : postgresUrl(at, database);
      lines.add("  psql " + shellArgument(psql));
      lines.add("  " + postgresUrl(at, database));
      lines.add(
          "  (the broker logs in to the database"
              + (grant.role() == null ? "" : " as role " + grant.role())
              + "; no password needed)");
    } else if (isPostgres(grant)) {
      lines.add("  psql " + shellArgument(psqlConnInfo(grant, at)));
      lines.add("  postgresql://" + urlHost(at) + ":" + at.port() + "/");
    }
    return lines;
  }

  /** libpq key/value connection string for {@code psql} to a tunnel on {@code at}. */
  public static String psqlConnInfo(Grant grant, LocalEndpoint at) {
    String info = hostAndPort(at);
    if (grant.role() != null && grant.role().matches("[A-Za-z0-9_.-]+")) {
      info += " user=" + grant.role();
    }
    return info;
  }

  /**
   * The libpq URL of a tunnel to a postgres engine target (the hop to the broker is TLS); a socket
   * directory goes in percent-encoded.
   */
  public static String postgresUrl(LocalEndpoint at, String database) {
    return "postgresql://"
        + ENGINE_USER
        + "@"
        + urlHost(at)
        + ":"
        + at.port()
        + "/"
        + percentEncode(database)
        + "?sslmode=disable";
  }

  /**
   * Environment for a command run through the tunnel on {@code at}. Host and port must point at the
   * tunnel; on a raw relay the user's own libpq user and database stay theirs, while for the
   * postgres engine ({@code database} non-null) hoop sets user, database and sslmode too. On a Unix
   * socket there is no TCP port to name, so {@code HOOP_HOST} and {@code HOOP_PORT} are left out
   * and {@code HOOP_SOCKET} names the socket file; {@code PGHOST} is its directory, as libpq
   * expects.
   */
  public static Map<String, String> environment(
      Grant grant, LocalEndpoint at, String database, Map<String, String> existing) {
    Map<String, String> env = new LinkedHashMap<>();
    if (at.isUnixSocket()) {
      env.put("HOOP_SOCKET", at.socket().toString());
    } else {
      env.put("HOOP_HOST", HOST);
      env.put("HOOP_PORT", Integer.toString(at.port()));
    }
    env.put("HOOP_GRANT_ID", grant.id());
    env.put("HOOP_TARGET", grant.target());
    if (database != null) {
      // The postgres engine logs in itself: these only have to reach it, whatever the shell set.
      env.put("PGHOST", at.host());
      env.put("PGPORT", Integer.toString(at.port()));
      env.put("PGUSER", ENGINE_USER);
      env.put("PGDATABASE", database);
      env.put("PGSSLMODE", "disable");
    } else if (isPostgres(grant)) {
      env.put("PGHOST", at.host());
      env.put("PGPORT", Integer.toString(at.port()));
      if (grant.role() != null && !existing.containsKey("PGUSER")) {
        env.put("PGUSER", grant.role());
      }
    }
    return env;
  }

  public static boolean isPostgres(Grant grant) {
    return isPostgres(grant.targetType());
  }

  /** Whether targets of {@code targetType} speak PostgreSQL. */
  public static boolean isPostgres(String targetType) {
    return "postgres".equalsIgnoreCase(targetType);
  }

  private static String hostAndPort(LocalEndpoint at) {
    return "host=" + connInfoValue(at.host()) + " port=" + at.port();
  }

  /**
   * One argument for a POSIX shell, as the user pastes it: in double quotes when nothing in it is
   * special there, else in single quotes (a directory or database named {@code a$HOME} must reach
   * psql as written).
   */
  static String shellArgument(String value) {
    if (!value.matches("[^$`\"\\\\!]*")) {
      return "'" + value.replace("'", "'\\''") + "'";
    }
    return "\"" + value + "\"";
  }

  /** A libpq key/value value: bare when plain, else single-quoted with quotes escaped. */
  static String connInfoValue(String value) {
    if (value.matches("[A-Za-z0-9_./:-]+")) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** libpq takes a socket directory as URL host only percent-encoded ({@code %2Ftmp%2Fx}). */
  private static String urlHost(LocalEndpoint at) {
    return at.isUnixSocket() ? percentEncode(at.host()) : HOST;
  }

  private static String percentEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
