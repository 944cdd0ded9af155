package io.hoop.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.broker.store.PostgresConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the top-level {@code store} key: absent means the embedded H2 store; a PostgreSQL store is
 * either the short form {@code store: postgresql://user@host:port/db} or the mapping {@code store:
 * {url, user, passwordFile}}. A password never comes from the URL (it would end up in logs and
 * process lists), only from {@code passwordFile} or the driver's {@code ~/.pgpass}.
 */
final class StoreSection {
  private static final Set<String> KEYS = Set.of("url", "user", "passwordFile", "keyFile");
  // Connection parameters a config may set; anything else (socket factories, logger files,
  // passwords) is refused rather than handed to the driver.
  private static final Set<String> PARAMETERS =
      Set.of(
          "sslmode",
          "sslrootcert",
          "sslcert",
          "sslkey",
          "connectTimeout",
          "socketTimeout",
          "loginTimeout",
          "targetServerType",
          "currentSchema",
          "ApplicationName");
  private static final Pattern SAFE_VALUE = Pattern.compile("^[A-Za-z0-9._/:,-]{1,200}$");
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}$");
  private static final Pattern URL_PASSWORD = Pattern.compile("(//[^/@:]*):[^/@]*@");
  private static final int DEFAULT_PORT = 5432;
  private static final long MAX_PASSWORD_FILE = 4096;

  private final String source;

  private StoreSection(String source) {
    this.source = source;
  }

  /**
   * Validates the {@code store} node.
   *
   * @return the PostgreSQL store, or empty for the embedded one
   */
  static Optional<PostgresConfig> parse(String source, JsonNode node) throws ConfigException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return Optional.empty();
    }
    StoreSection s = new StoreSection(source);
    if (node.isTextual()) {
      return Optional.of(s.url("store", node.textValue(), null, null));
    }
    if (!node.isObject()) {
      throw s.error(
          "store",
          "invalid value: expected a postgresql:// URL or a mapping (url, user,"
              + " passwordFile)");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw s.error("store." + k, "unknown key (known keys: keyFile, passwordFile, url, user)");
      }
    }
    String url = s.text(node, "url");
    if (url == null) {
      throw s.error("store.url", "missing: e.g. postgresql://db.example.com:5432/hoop");
    }
    PostgresConfig pg = s.url("store.url", url, s.text(node, "user"), s.text(node, "passwordFile"));
    String keyFile = s.text(node, "keyFile");
    return Optional.of(keyFile == null ? pg : pg.withKeyFile(s.keyFile(keyFile)));
  }

  private PostgresConfig url(String key, String value, String user, String passwordFile)
      throws ConfigException {
    String shown = URL_PASSWORD.matcher(value).replaceAll("$1:<redacted>@");
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw error(key, "'" + shown + "' is not a URL; expected postgresql://user@host:port/db");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
      throw error(key, "'" + shown + "' is not a postgresql:// URL");
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      throw error(
          key,
          "'"
              + shown
              + "' carries a password; put it in a file readable only by the broker and name it"
              + " in store.passwordFile");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw error(key, "'" + shown + "' has no host; expected postgresql://user@host:port/db");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
    if (port < 1 || port > 65535) {
      throw error(key, "port " + port + " is out of range 1-65535");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (!NAME.matcher(database).matches()) {
      throw error(
          key,
          "'" + shown + "' needs a database name after the port, e.g. postgresql://h:5432/hoop");
    }
    String urlUser = uri.getUserInfo();
    if (urlUser != null && user != null && !urlUser.equals(user)) {
      throw error(
          "store.user", "'" + user + "' differs from the user '" + urlUser + "' in store.url");
    }
    String role = urlUser != null ? urlUser : user;
    if (role == null || role.isBlank()) {
      throw error(
          key.equals("store") ? "store" : "store.user",
          "missing user: write postgresql://USER@host:port/db or set store.user");
    }
    if (!NAME.matcher(role).matches()) {
      throw error(key, "user '" + role + "' is not a PostgreSQL role name");
    }
    return new PostgresConfig(
        host, port, database, role, password(passwordFile), parameters(key, uri.getRawQuery()));
  }

  private Map<String, String> parameters(String key, String query) throws ConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!PARAMETERS.contains(name)) {
        throw error(
            key,
            "connection parameter '"
                + (NAME.matcher(name).matches() ? name : "?")
                + "' is not allowed; expected one of "
                + new java.util.TreeSet<>(PARAMETERS));
      }
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      if (!SAFE_VALUE.matcher(v).matches()) {
        throw error(key, "connection parameter '" + name + "' has an empty or unsupported value");
      }
      out.put(name, v);
    }
    return out;
  }

  /** The store key's file: checked here (a clear error at load), read when the broker starts. */
  private Path keyFile(String file) throws ConfigException {
    String key = "store.keyFile";
    Path p = Path.of(file);
    try {
      io.hoop.broker.cluster.StoreKey.read(p);
    } catch (IOException e) {
      throw error(key, e.getMessage());
    }
    return p;
  }

  private String password(String file) throws ConfigException {
    if (file == null) {
      return null;
    }
    String key = "store.passwordFile";
    Path p = Path.of(file);
    try {
      if (!Files.isRegularFile(p)) {
        throw error(key, p + " is not a readable file");
      }
      if (Files.size(p) > MAX_PASSWORD_FILE) {
        throw error(
            key, p + " is larger than " + MAX_PASSWORD_FILE + " bytes; expected a password");
      }
      if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw error(key, p + " is readable by group or others; chmod 600 it");
        }
      }
      String pw = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (pw.isEmpty()) {
        throw error(key, p + " is empty; expected the password on its first line");
      }
      if (pw.contains("\n")) {
        throw error(key, p + " has more than one line; expected only the password");
      }
      return pw;
    } catch (IOException e) {
      throw error(key, "cannot read " + p + ": " + e.getClass().getSimpleName());
    }
  }

  private String text(JsonNode node, String field) throws ConfigException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.textValue().isBlank()) {
      throw error("store." + field, "invalid value: expected a single value (text)");
    }
    return v.textValue();
  }

  private ConfigException error(String key, String message) {
    return new ConfigException(source + ": " + key + ": " + message);
  }
}
