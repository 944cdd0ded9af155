package io.hoop.tunnel.mux;

/**
 * The agent's first frame: which agent it is and the broker token that proves it.
 *
 * @param name the agent name targets name in {@code via}
 * @param token an admin-minted broker token whose principal may serve {@code name}; a secret
 * @param version the agent's protocol version ({@link AgentProtocol#VERSION})
 * @param maxStreams how many streams the agent accepts at once ({@code hoop-agent run
 *     --max-streams}); 0, what an agent without the field sends, means {@link
 *     AgentProtocol#DEFAULT_MAX_STREAMS}
 */
public record AgentHello(String name, String token, int version, int maxStreams) {
  /**
   * The streams the broker may open to this agent: what it announced, within 1..{@link
   * AgentProtocol#MAX_STREAMS_LIMIT}.
   */
  public int acceptedStreams() {
    if (maxStreams <= 0) {
      return AgentProtocol.DEFAULT_MAX_STREAMS;
    }
    return Math.min(maxStreams, AgentProtocol.MAX_STREAMS_LIMIT);
  }

  @Override
  public String toString() {
    return "AgentHello[name="
        + name
        + ", token=<redacted>, version="
        + version
        + ", maxStreams="
        + maxStreams
        + "]";
  }
}
