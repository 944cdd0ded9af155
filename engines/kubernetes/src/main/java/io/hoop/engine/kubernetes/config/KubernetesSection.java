package io.hoop.engine.kubernetes.config;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.config.ContentDetectors;
import io.hoop.tunnel.engine.TargetSection;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code kubernetes} section: the CA that verifies the API server (never skipped), the
 * name to verify when the target's host is an address, and the roles.
 *
 * @param serverName the name the API server's certificate must carry; null to verify the target's
 *     host
 * @param detectors the content detectors ConfigMap values and pod logs go through
 */
public record KubernetesSection(
    Path caFile,
    String serverName,
    Map<String, KubeRole> roles,
    String defaultRole,
    ContentDetectors detectors)
    implements TargetSection {
  /** The engine of kubernetes targets. */
  public static final String ENGINE = "kubernetes";

  public KubernetesSection {
    requireNonNull(caFile, "caFile");
    roles = Map.copyOf(requireNonNull(roles, "roles"));
    requireNonNull(defaultRole, "defaultRole");
    requireNonNull(detectors, "detectors");
    if (!roles.containsKey(defaultRole)) {
      throw new IllegalArgumentException("defaultRole '" + defaultRole + "' is not a role");
    }
  }

  /** A section without content detectors. */
  public KubernetesSection(
      Path caFile, String serverName, Map<String, KubeRole> roles, String defaultRole) {
    this(caFile, serverName, roles, defaultRole, ContentDetectors.none());
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public List<String> roleNames() {
    return roles.keySet().stream().sorted().toList();
  }

  /** The role called {@code name}; null when there is none. */
  public KubeRole role(String name) {
    return name == null ? null : roles.get(name);
  }
}
