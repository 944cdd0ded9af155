package io.hoop.broker.agent;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.mux.MuxConnection;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents connected to this broker now: agent name to its live connection. A reconnecting agent
 * replaces its old connection (which may be dead but not yet noticed), so its targets come back as
 * soon as it is connected again.
 */
public final class AgentRegistry {
  /**
   * One connected agent.
   *
   * @param name the agent's name
   * @param principal the token's principal that serves it
   * @param connection the connection streams are opened on
   * @param connectedAt when it connected
   */
  public record Link(String name, String principal, MuxConnection connection, Instant connectedAt) {
    public Link {
      requireNonNull(name, "name");
      requireNonNull(principal, "principal");
      requireNonNull(connection, "connection");
      requireNonNull(connectedAt, "connectedAt");
    }
  }

  private final Map<String, Link> links = new ConcurrentHashMap<>();

  /** Registers {@code link}; returns the connection it replaced, if any. */
  public Optional<Link> put(Link link) {
    return Optional.ofNullable(links.put(link.name(), link));
  }

  /** Removes {@code link} if it is still the agent's current one. */
  public boolean remove(Link link) {
    return links.remove(link.name(), link);
  }

  /** The live connection of agent {@code name}. */
  public Optional<Link> find(String name) {
    return Optional.ofNullable(links.get(name));
  }

  /** The names of the connected agents. */
  public java.util.Set<String> names() {
    return java.util.Set.copyOf(links.keySet());
  }
}
