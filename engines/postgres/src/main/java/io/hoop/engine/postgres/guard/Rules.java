package io.hoop.engine.postgres.guard;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Guardrail rules for one target and role. {@code deniedStatements} are statement kinds by their
 * leading keywords ("DROP", "ALTER SYSTEM", "CREATE EXTENSION", "SET ROLE", and "COPY PROGRAM" for
 * COPY with PROGRAM; see {@link StatementKinds}); {@code deniedFunctions} and {@code deniedObjects}
 * are globs ({@code *}, {@code ?}), objects as {@code schema.table} (unqualified names count as
 * {@code public}) or just {@code table}; {@code requireWhere} denies DELETE and UPDATE without
 * WHERE. The {@code review} sets have the same forms: a statement they match (and no deny rule
 * does) is held until a reviewer approves it, for at most {@code holdTimeout}. All matching ignores
 * case.
 */
public record Rules(
    Set<String> deniedStatements,
    Set<String> deniedFunctions,
    List<String> deniedObjects,
    boolean requireWhere,
    Set<String> reviewStatements,
    Set<String> reviewFunctions,
    List<String> reviewObjects,
    Duration holdTimeout) {

  /** How long a held statement waits for a reviewer when the config does not say. */
  public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofMinutes(5);

  public Rules {
    deniedStatements = statements(deniedStatements);
    deniedFunctions = normalise(deniedFunctions);
    deniedObjects = List.copyOf(normalise(Set.copyOf(deniedObjects)));
    reviewStatements = statements(reviewStatements);
    reviewFunctions = normalise(reviewFunctions);
    reviewObjects = List.copyOf(normalise(Set.copyOf(reviewObjects)));
    requireNonNull(holdTimeout, "holdTimeout");
    if (holdTimeout.isNegative() || holdTimeout.isZero()) {
      throw new IllegalArgumentException("holdTimeout is " + holdTimeout + ", expected positive");
    }
  }

  /** Deny rules only. */
  public Rules(
      Set<String> deniedStatements,
      Set<String> deniedFunctions,
      List<String> deniedObjects,
      boolean requireWhere) {
    this(
        deniedStatements,
        deniedFunctions,
        deniedObjects,
        requireWhere,
        Set.of(),
        Set.of(),
        List.of(),
        DEFAULT_HOLD_TIMEOUT);
  }

  /** No rules: everything is allowed, even text that cannot be parsed. */
  public static Rules none() {
    return new Rules(Set.of(), Set.of(), List.of(), false);
  }

  /** A sensible default for production databases. */
  public static Rules defaults() {
    return new Rules(
        Set.of(
            "DROP",
            "TRUNCATE",
            "ALTER SYSTEM",
            "COPY PROGRAM",
            "CREATE EXTENSION",
            "SET ROLE",
            "SET SESSION AUTHORIZATION"),
        Set.of(
            "pg_read_file",
            "pg_read_binary_file",
            "pg_ls_dir",
            "pg_stat_file",
            "lo_import",
            "lo_export",
            "dblink*"),
        List.of(),
        true);
  }

  /** Whether no rule is set, in which case nothing is checked. */
  public boolean isEmpty() {
    return deniedStatements.isEmpty()
        && deniedFunctions.isEmpty()
        && deniedObjects.isEmpty()
        && !requireWhere
        && reviewStatements.isEmpty()
        && reviewFunctions.isEmpty()
        && reviewObjects.isEmpty();
  }

  /**
   * Why the statement rule {@code rule} can never match (for the config error naming its key), or
   * null when it can.
   */
  public static String statementProblem(String rule) {
    return StatementKinds.problem(rule);
  }

  /** Why the function glob {@code rule} can never match, or null when it can. */
  public static String functionProblem(String rule) {
    String r = rule.trim();
    if (!r.matches("[A-Za-z_*?][A-Za-z0-9_$*?]*")) {
      return "'"
          + rule
          + "' never matches: write a function name (globs * and ?), without schema, arguments"
          + " or spaces (every qualification of the name is matched)";
    }
    return null;
  }

  /** Why the object glob {@code rule} can never match, or null when it can. */
  public static String objectProblem(String rule) {
    String r = rule.trim();
    if (!r.matches("[^.\\s\"()]+(\\.[^.\\s\"()]+)?")) {
      return "'" + rule + "' never matches: write table or schema.table (globs * and ?), unquoted";
    }
    return null;
  }

  private static Set<String> statements(Set<String> values) {
    return values.stream().map(StatementKinds::normalise).collect(Collectors.toUnmodifiableSet());
  }

  private static Set<String> normalise(Set<String> values) {
    return values.stream()
        .map(v -> v.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }
}
