package io.hoop.tunnel.engine;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The engines a tunnel server runs, by name. Immutable. */
public final class Engines {
  private final Map<String, Engine> byName;

  private Engines(Map<String, Engine> byName) {
    this.byName = byName;
  }

  /** Only the {@code tcp} engine. */
  public static Engines tcpOnly() {
    return of(new TcpEngine());
  }

  /**
   * These engines; names must be distinct.
   *
   * @throws IllegalArgumentException when two engines share a name
   */
  public static Engines of(Engine... engines) {
    Map<String, Engine> byName = new LinkedHashMap<>();
    for (Engine engine : engines) {
      String name = requireNonNull(requireNonNull(engine, "engine").name(), "engine name");
      if (byName.putIfAbsent(name, engine) != null) {
        throw new IllegalArgumentException(
            "engine name '" + name + "' is registered twice; expected one engine per name");
      }
    }
    return new Engines(Map.copyOf(byName));
  }

  /** The engine called {@code name}, if registered. */
  public Optional<Engine> find(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  /** The registered names. */
  public Set<String> names() {
    return byName.keySet();
  }
}
