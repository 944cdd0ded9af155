package io.hoop.broker.tunnel;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The login session (the id of the session token presented in the handshake) each live tunnel was
 * opened under, so that a logout or an admin's session revoke closes the tunnels it opened, on
 * whichever replica they run. Entries of tunnels that ended are dropped by {@link #retain}.
 */
public final class TunnelLogins {
  private final Map<String, String> loginOf = new ConcurrentHashMap<>();

  void bind(String tunnelSession, String login) {
    loginOf.put(tunnelSession, login);
  }

  /** The login session a tunnel session was opened under. */
  public Optional<String> loginOf(String tunnelSession) {
    return Optional.ofNullable(loginOf.get(tunnelSession));
  }

  /** Forgets the tunnel sessions not in {@code live}. */
  public void retain(Collection<String> live) {
    Set<String> keep = new HashSet<>(live);
    loginOf.keySet().removeIf(s -> !keep.contains(s));
  }

  /** How many tunnels are bound (for tests). */
  public int size() {
    return loginOf.size();
  }
}
