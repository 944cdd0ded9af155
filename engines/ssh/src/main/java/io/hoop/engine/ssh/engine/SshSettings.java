package io.hoop.engine.ssh.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.ssh.bridge.Admission;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.Holds;

/**
 * The ssh engine's settings for one tunnel: the bridge admission (the user's ephemeral key, the
 * target with its pinned host keys, the role's login and policy hooks, the event listener).
 *
 * @param admission what the tunnel's SSH connection may do
 */
public record SshSettings(Admission admission) implements EngineSettings {
  public SshSettings {
    requireNonNull(admission, "admission");
  }

  /**
   * These settings with the session's {@code holds} (the broker's {@code Admission.holds()}): exec
   * commands a review rule matches wait for a reviewer through it.
   */
  public SshSettings withHolds(Holds holds) {
    return new SshSettings(admission.withHolds(requireNonNull(holds, "holds")));
  }
}
