package io.hoop.engine.ssh.config;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.engine.TargetSection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An ssh target's engine config: the pinned host keys (at least one; a key the target presents that
 * is not among them is refused, never trusted on first use), the roles, and the role used when a
 * grant names none.
 */
public record SshTarget(List<HostKey> hostKeys, Map<String, SshRole> roles, String defaultRole)
    implements TargetSection {
  public static final String ENGINE = "ssh";

  public SshTarget {
    hostKeys = List.copyOf(requireNonNull(hostKeys, "hostKeys"));
    roles = Map.copyOf(requireNonNull(roles, "roles"));
    requireNonNull(defaultRole, "defaultRole");
    if (hostKeys.isEmpty()) {
      throw new IllegalArgumentException("an ssh target needs at least one pinned host key");
    }
    if (!roles.containsKey(defaultRole)) {
      throw new IllegalArgumentException("defaultRole " + defaultRole + " is not a role");
    }
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public List<String> roleNames() {
    return List.copyOf(new TreeSet<>(roles.keySet()));
  }

  /** Whether {@code blob} (the key the target presented, SSH wire form) is pinned. */
  public boolean pins(byte[] blob) {
    return hostKeys.stream().anyMatch(k -> k.sameKey(blob));
  }
}
