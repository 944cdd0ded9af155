package io.hoop.engine.ssh.config;

import io.hoop.engine.ssh.policy.Glob;
import java.util.List;
import java.util.Locale;

/**
 * Which {@code direct-tcpip} (local forwarding, {@code ssh -L}) destinations a role may open, as
 * {@code host:port} globs; none by default. Remote forwarding, agent and X11 forwarding are never
 * allowed.
 */
public record ForwardingPolicy(List<String> local) {
  public ForwardingPolicy {
    local = List.copyOf(local);
  }

  public static ForwardingPolicy none() {
    return new ForwardingPolicy(List.of());
  }

  /** Whether the role may forward to {@code host:port} (host compared in lower case). */
  public boolean allowsLocal(String host, int port) {
    String target = host.toLowerCase(Locale.ROOT) + ":" + port;
    return local.stream().anyMatch(p -> Glob.of(p.toLowerCase(Locale.ROOT)).matches(target));
  }
}
