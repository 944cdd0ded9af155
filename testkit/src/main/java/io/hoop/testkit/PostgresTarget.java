package io.hoop.testkit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the YAML of a broker target of type {@code postgres} with its {@code postgres} section:
 * roles with password files written 0600 into a directory of the caller's, plus raw guardrail and
 * masking YAML. Pair it with {@link BrokerFixture#start(String)}.
 *
 * <pre>{@code
 * String target = PostgresTarget.named("prod-db", pg.port(), secrets)
 *     .database("app")
 *     .role("readonly", "app_ro", "ro-password")
 *     .role("readwrite", "app_rw", "rw-password")
 *     .defaultRole("readonly")
 *     .section("guardrails:\n  default: {denyStatements: [DROP]}\n")
 *     .yaml();
 * }</pre>
 */
public final class PostgresTarget {
  private final String name;
  private final int port;
  private final Path secrets;
  private final List<String> roles = new ArrayList<>();
  private final StringBuilder extra = new StringBuilder();
  private String database = "postgres";
  private String defaultRole;
  private String engine;

  private PostgresTarget(String name, int port, Path secrets) {
    this.name = requireNonNull(name, "name");
    this.port = port;
    this.secrets = requireNonNull(secrets, "secrets");
  }

  /** A target on {@code 127.0.0.1:port}; password files go to {@code secrets}. */
  public static PostgresTarget named(String name, int port, Path secrets) {
    return new PostgresTarget(name, port, secrets);
  }

  /** The database clients get when they name none. */
  public PostgresTarget database(String database) {
    this.database = requireNonNull(database, "database");
    return this;
  }

  /** {@code tcp} to relay bytes only; the default is the postgres engine. */
  public PostgresTarget engine(String engine) {
    this.engine = requireNonNull(engine, "engine");
    return this;
  }

  /** Adds a role whose password is written to {@code <secrets>/<role>.pw} with mode 0600. */
  public PostgresTarget role(String role, String user, String password) {
    Path file = secrets.resolve(name + "-" + role + ".pw");
    try {
      Files.createDirectories(secrets);
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, password + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the password file " + file, e);
    }
    roles.add("        " + role + ": {user: " + user + ", passwordFile: '" + file + "'}\n");
    return this;
  }

  /** The role grants without one get. */
  public PostgresTarget defaultRole(String role) {
    this.defaultRole = requireNonNull(role, "role");
    return this;
  }

  /**
   * Raw YAML under {@code postgres:} (e.g. {@code guardrails:} or {@code masking:}), unindented.
   */
  public PostgresTarget section(String yaml) {
    extra.append(yaml.endsWith("\n") ? yaml : yaml + "\n");
    return this;
  }

  /** The target as one entry of the {@code targets:} list, indented two spaces. */
  public String yaml() {
    StringBuilder b =
        new StringBuilder()
            .append("  - name: ")
            .append(name)
            .append("\n    type: postgres\n    address: 127.0.0.1:")
            .append(port)
            .append('\n');
    if (engine != null) {
      b.append("    engine: ").append(engine).append('\n');
    }
    b.append("    postgres:\n      database: ").append(database).append('\n');
    if (defaultRole != null) {
      b.append("      defaultRole: ").append(defaultRole).append('\n');
    }
    b.append("      roles:\n");
    roles.forEach(b::append);
    b.append(extra.toString().indent(6));
    return b.toString();
  }
}
