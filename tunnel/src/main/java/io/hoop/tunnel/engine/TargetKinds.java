package io.hoop.tunnel.engine;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The target kinds a broker config accepts, by type. Immutable. */
public final class TargetKinds {
  private final Map<String, TargetKind> byType;

  private TargetKinds(Map<String, TargetKind> byType) {
    this.byType = byType;
  }

  /**
   * These kinds; types must be distinct.
   *
   * @throws IllegalArgumentException when two kinds share a type
   */
  public static TargetKinds of(TargetKind... kinds) {
    Map<String, TargetKind> byType = new LinkedHashMap<>();
    for (TargetKind kind : kinds) {
      String type = requireNonNull(requireNonNull(kind, "kind").type(), "kind type");
      if (byType.putIfAbsent(type, kind) != null) {
        throw new IllegalArgumentException(
            "target type '" + type + "' is registered twice; expected one kind per type");
      }
    }
    return new TargetKinds(Map.copyOf(byType));
  }

  /** The kind serving {@code type}, if registered. */
  public Optional<TargetKind> find(String type) {
    return Optional.ofNullable(type == null ? null : byType.get(type));
  }

  /** The registered types. */
  public Set<String> types() {
    return byType.keySet();
  }
}
