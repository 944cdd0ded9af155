package io.hoop.engine.postgres.engine;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * TLS from the broker to the PostgreSQL server, in libpq's {@code sslmode} terms.
 *
 * @param mode whether TLS is used and how the server is checked
 * @param caFile PEM file of trusted CAs; required for {@link Mode#VERIFY_FULL}, else null
 */
public record UpstreamTls(Mode mode, Path caFile) {
  /** Like libpq's {@code sslmode}. */
  public enum Mode {
    /** Plain TCP: cleartext passwords are refused. */
    DISABLE,
    /** TLS without checking the server certificate. */
    REQUIRE,
    /** TLS, certificate chained to {@code caFile} and host name matching. */
    VERIFY_FULL
  }

  public UpstreamTls {
    requireNonNull(mode, "mode");
    if (mode == Mode.VERIFY_FULL && caFile == null) {
      throw new IllegalArgumentException("sslmode verify-full needs a CA file, none given");
    }
  }

  /** No TLS to the upstream server. */
  public static UpstreamTls disabled() {
    return new UpstreamTls(Mode.DISABLE, null);
  }
}
