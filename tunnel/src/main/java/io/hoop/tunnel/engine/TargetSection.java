package io.hoop.tunnel.engine;

import java.util.List;

/**
 * One target's engine section once its {@link TargetKind} validated it: which engine its tunnels
 * run and the roles a grant may name. Each engine's section record implements this and its engine
 * reads its own type back in {@link Engine#admit}.
 */
public interface TargetSection {
  /** The engine the target's tunnels run, a name in {@link Engines}. */
  String engine();

  /** The role names a grant may ask for, sorted; empty when the target has no roles. */
  default List<String> roleNames() {
    return List.of();
  }

  /** The role a grant that names none runs as; null when the target has no roles. */
  default String defaultRole() {
    return null;
  }

  /** The section of a target relayed byte for byte by {@code engine}, without roles. */
  static TargetSection relay(String engine) {
    java.util.Objects.requireNonNull(engine, "engine");
    return () -> engine;
  }
}
