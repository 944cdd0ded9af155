package io.hoop.tunnel.mux;

import java.util.List;

/**
 * The broker's answer to an accepted {@link AgentHello}: the targets this agent serves (the only
 * addresses it will dial), the per-stream window and the keepalive both ends run.
 *
 * @param agent the agent's name as the broker accepted it
 * @param principal who the token named
 * @param targets the targets assigned to the agent ({@code via: <agent>})
 * @param window initial credit of each stream in each direction, bytes
 * @param keepaliveMillis each end sends PING at least this often
 * @param deadPeerMillis each end closes the connection after this long without a frame
 */
public record AgentWelcome(
    String agent,
    String principal,
    List<AssignedTarget> targets,
    int window,
    long keepaliveMillis,
    long deadPeerMillis) {
  public AgentWelcome {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /**
   * A target the agent may dial.
   *
   * @param name the target's name, which OPEN frames carry
   * @param host the target's host, resolved by the agent
   * @param port the target's port
   */
  public record AssignedTarget(String name, String host, int port) {}
}
