package io.hoop.broker.store;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Where the broker's PostgreSQL store lives and how it logs in. The password is held only to open
 * the pool and never appears in {@link #toString()}, logs or errors.
 *
 * @param host server host name or address
 * @param port server TCP port
 * @param database database name
 * @param user role to log in as
 * @param password the role's password, or null to let the driver use {@code ~/.pgpass} or a
 *     password-less method (trust, cert)
 * @param parameters extra JDBC connection parameters from the URL's query (e.g. {@code sslmode})
 * @param keyFile the store key ({@code store.keyFile}) that seals the keys replicas share through
 *     the store, or null for a broker that keeps its keys to itself
 */
public record PostgresConfig(
    String host,
    int port,
    String database,
    String user,
    String password,
    Map<String, String> parameters,
    java.nio.file.Path keyFile) {

  public PostgresConfig {
    requireNonNull(host, "host");
    requireNonNull(database, "database");
    requireNonNull(user, "user");
    parameters = Map.copyOf(requireNonNull(parameters, "parameters"));
  }

  /** A store whose broker keeps its keys to itself. */
  public PostgresConfig(
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> parameters) {
    this(host, port, database, user, password, parameters, null);
  }

  /** The same store, its keys shared by replicas sealed under {@code keyFile}. */
  public PostgresConfig withKeyFile(java.nio.file.Path keyFile) {
    return new PostgresConfig(host, port, database, user, password, parameters, keyFile);
  }

  /** The store as the config names it, {@code postgresql://user@host:port/database}. */
  public String describe() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "postgresql://" + user + "@" + h + ":" + port + "/" + database;
  }

  /** The JDBC URL, without credentials. */
  String jdbcUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    StringBuilder sb = new StringBuilder("jdbc:postgresql://" + h + ":" + port + "/" + database);
    char sep = '?';
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(parameters).entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = '&';
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "PostgresConfig["
        + describe()
        + ", password="
        + (password == null ? "none" : "<redacted>")
        + ", parameters="
        + parameters
        + (keyFile == null ? "" : ", keyFile=" + keyFile)
        + "]";
  }
}
