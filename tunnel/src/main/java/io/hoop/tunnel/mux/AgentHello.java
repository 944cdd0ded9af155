package io.hoop.tunnel.mux;

/**
 * The agent's first frame: which agent it is and the broker token that proves it.
 *
 * @param name the agent name targets name in {@code via}
 * @param token an admin-minted broker token whose principal may serve {@code name}; a secret
 * @param version the agent's protocol version ({@link AgentProtocol#VERSION})
 */
public record AgentHello(String name, String token, int version) {
  @Override
  public String toString() {
    return "AgentHello[name=" + name + ", token=<redacted>, version=" + version + "]";
  }
}
