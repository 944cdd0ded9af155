package io.hoop.engine.postgres.guard;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Guardrail rules for one target and role. {@code deniedStatements} are statement kinds by their
 * leading keywords ("DROP", "ALTER SYSTEM", "CREATE EXTENSION", and "COPY PROGRAM" for COPY with
 * PROGRAM); {@code deniedFunctions} and {@code deniedObjects} are globs ({@code *}, {@code ?}),
 * objects as {@code schema.table} (unqualified names count as {@code public}) or just {@code
 * table}; {@code requireWhere} denies DELETE and UPDATE without WHERE. All matching ignores case.
 */
public record Rules(
    Set<String> deniedStatements,
    Set<String> deniedFunctions,
    List<String> deniedObjects,
    boolean requireWhere) {

  public Rules {
    deniedStatements = normalise(deniedStatements);
    deniedFunctions = normalise(deniedFunctions);
    deniedObjects = List.copyOf(normalise(Set.copyOf(deniedObjects)));
  }

  /** No rules: everything is allowed, even text that cannot be parsed. */
  public static Rules none() {
    return new Rules(Set.of(), Set.of(), List.of(), false);
  }

  /** A sensible default for production databases. */
  public static Rules defaults() {
    return new Rules(
        Set.of("DROP", "TRUNCATE", "ALTER SYSTEM", "COPY PROGRAM", "CREATE EXTENSION"),
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
        && !requireWhere;
  }

  private static Set<String> normalise(Set<String> values) {
    return values.stream()
        .map(v -> v.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }
}
