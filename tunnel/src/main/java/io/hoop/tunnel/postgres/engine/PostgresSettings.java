package io.hoop.tunnel.postgres.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.postgres.guard.Rules;

/**
 * How the postgres engine logs in upstream and what it lets through: the broker-held role, its
 * password, the database used when the client names none, and the guardrail rules. Upstream TLS is
 * not supported yet, so the engine refuses servers that ask for a cleartext password.
 *
 * @param user upstream role, whatever user the client claims
 * @param password the role's password, never shown to the client
 * @param defaultDatabase database used when the client's startup names none
 * @param rules guardrails applied to every Query and Parse
 */
public record PostgresSettings(String user, Secret password, String defaultDatabase, Rules rules) {
  public PostgresSettings {
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    requireNonNull(defaultDatabase, "defaultDatabase");
    requireNonNull(rules, "rules");
    if (user.isBlank()) {
      throw new IllegalArgumentException("upstream user is blank, expected a PostgreSQL role");
    }
    if (defaultDatabase.isBlank()) {
      throw new IllegalArgumentException(
          "default database is blank, expected a database name such as postgres");
    }
  }
}
