package io.hoop.engine.postgres.engine;

import static java.util.Objects.requireNonNull;

/**
 * A credential held by the broker; {@link #toString()} is redacted so it cannot leak through logs,
 * records that hold it, or error messages.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps {@code value}, which must not be empty. */
  public static Secret of(String value) {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("secret is empty, expected a non-empty credential");
    }
    return new Secret(value);
  }

  /** The secret itself, for the one place that must send it. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
