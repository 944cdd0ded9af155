package io.hoop.engine.postgres.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.engine.TargetConnector;

/**
 * How the postgres engine logs in upstream and what it lets through: the broker-held role, its
 * password, the database used when the client names none, the guardrail and masking rules, TLS to
 * the server, and where each statement is recorded.
 *
 * @param user upstream role, whatever user the client claims
 * @param password the role's password, never shown to the client
 * @param defaultDatabase database used when the client's startup names none
 * @param rules guardrails applied to every Query and Parse
 * @param masking masking applied to every DataRow and COPY row; null means none
 * @param tls TLS to the upstream server
 * @param listener receives every statement of the session, as {@link QueryEvent}s
 * @param holds where statements a review rule holds go for a reviewer's decision
 * @param connector how a cancel that arrives outside a tunnel (the direct port) reaches the server:
 *     over TCP, or through the agent the target sits behind
 */
public record PostgresSettings(
    String user,
    Secret password,
    String defaultDatabase,
    Rules rules,
    MaskingRules masking,
    UpstreamTls tls,
    EngineListener listener,
    Holds holds,
    TargetConnector connector)
    implements EngineSettings {
  public PostgresSettings {
    requireNonNull(user, "user");
    requireNonNull(password, "password");
    requireNonNull(defaultDatabase, "defaultDatabase");
    requireNonNull(rules, "rules");
    requireNonNull(tls, "tls");
    requireNonNull(listener, "listener");
    requireNonNull(holds, "holds");
    requireNonNull(connector, "connector");
    if (user.isBlank()) {
      throw new IllegalArgumentException("upstream user is blank, expected a PostgreSQL role");
    }
    if (defaultDatabase.isBlank()) {
      throw new IllegalArgumentException(
          "default database is blank, expected a database name such as postgres");
    }
  }

  /** Settings of a server the broker reaches over TCP. */
  public PostgresSettings(
      String user,
      Secret password,
      String defaultDatabase,
      Rules rules,
      MaskingRules masking,
      UpstreamTls tls,
      EngineListener listener,
      Holds holds) {
    this(
        user,
        password,
        defaultDatabase,
        rules,
        masking,
        tls,
        listener,
        holds,
        TargetConnector.DIRECT);
  }

  /** Settings whose statements cannot be held (review rules refuse them). */
  public PostgresSettings(
      String user,
      Secret password,
      String defaultDatabase,
      Rules rules,
      MaskingRules masking,
      UpstreamTls tls,
      EngineListener listener) {
    this(user, password, defaultDatabase, rules, masking, tls, listener, Holds.NONE);
  }

  /** Guardrails only: no masking, no upstream TLS, nothing recorded. */
  public PostgresSettings(String user, Secret password, String defaultDatabase, Rules rules) {
    this(user, password, defaultDatabase, rules, null, UpstreamTls.disabled(), EngineListener.NONE);
  }
}
