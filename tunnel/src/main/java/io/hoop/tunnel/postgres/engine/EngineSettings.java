package io.hoop.tunnel.postgres.engine;

/**
 * Engine-specific settings a tunnel runs with; each engine reads its own component, which is null
 * when the target does not use that engine.
 *
 * @param postgres credentials and guardrails for the {@code postgres} engine, or null
 */
public record EngineSettings(PostgresSettings postgres) {
  private static final EngineSettings NONE = new EngineSettings(null);

  /** No engine settings: what the {@code tcp} engine runs with. */
  public static EngineSettings none() {
    return NONE;
  }

  /** Settings for a {@code postgres} target. */
  public static EngineSettings postgres(PostgresSettings postgres) {
    return new EngineSettings(java.util.Objects.requireNonNull(postgres, "postgres"));
  }
}
