package io.hoop.testkit.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Where the PostgreSQL server and client programs live on this machine. */
public record PostgresBinaries(Path initdb, Path pgCtl, Path psql) {

  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  /**
   * Finds initdb on the PATH first, then in the highest {@code /usr/lib/postgresql/N/bin}; pg_ctl
   * and psql are taken from the same directory as initdb so that client and server versions match.
   *
   * @throws IllegalStateException naming the package to install when no server is installed
   */
  public static PostgresBinaries locate() {
    Path initdb =
        onPath("initdb")
            .or(PostgresBinaries::inDebianLayout)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL server programs not found: no initdb on PATH ("
                            + System.getenv("PATH")
                            + ") nor in "
                            + DEBIAN_ROOT
                            + "/*/bin; install them with `apt-get install postgresql`"
                            + " (psql comes with `postgresql-client`)"));
    Path bin = realPath(initdb).getParent();
    Path pgCtl = sibling(bin, "pg_ctl").or(() -> onPath("pg_ctl")).orElse(null);
    if (pgCtl == null) {
      throw new IllegalStateException(
          "found initdb at " + initdb + " but no pg_ctl next to it in " + bin + " nor on PATH");
    }
    Path psql =
        sibling(bin, "psql")
            .or(() -> onPath("psql"))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "psql not found in "
                            + bin
                            + " nor on PATH; install it with `apt-get install postgresql-client`"));
    return new PostgresBinaries(initdb, pgCtl, psql);
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static Optional<Path> inDebianLayout() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
          .max(Comparator.comparing(PostgresBinaries::versionOf))
          .map(dir -> dir.resolve("bin/initdb"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + DEBIAN_ROOT, e);
    }
  }

  // Numeric so that 9.6 < 10 < 16; directories that are not a version sort first.
  private static Double versionOf(Path dir) {
    try {
      return Double.parseDouble(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1.0;
    }
  }

  private static Optional<Path> sibling(Path bin, String program) {
    Path candidate = bin.resolve(program);
    return Files.isExecutable(candidate) ? Optional.of(candidate) : Optional.empty();
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + path, e);
    }
  }
}
