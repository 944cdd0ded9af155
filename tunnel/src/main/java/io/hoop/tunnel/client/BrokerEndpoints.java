package io.hoop.tunnel.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a tunnel client may reach the broker: its host (every address the name resolves to) and
 * then any fallback replicas, tried in turn for each new local connection. The one that answered
 * last is tried first, so once a replica dies only the first connection after it pays for the
 * failed attempt. Shared by the connections of one client; thread-safe.
 */
final class BrokerEndpoints {
  /** One address to dial, and the host name it came from (TLS SNI and the certificate check). */
  record Endpoint(String host, InetSocketAddress address) {
    @Override
    public String toString() {
      String ip = address.getAddress() == null ? "?" : address.getAddress().getHostAddress();
      return host.equals(ip)
          ? host + ":" + address.getPort()
          : host + " (" + ip + "):" + address.getPort();
    }
  }

  private final List<InetSocketAddress> configured;
  private volatile Endpoint preferred;

  BrokerEndpoints(String host, int port, List<InetSocketAddress> fallbacks) {
    List<InetSocketAddress> all = new ArrayList<>();
    all.add(InetSocketAddress.createUnresolved(host, port));
    all.addAll(Objects.requireNonNull(fallbacks, "fallbacks"));
    this.configured = List.copyOf(all);
  }

  /** Whether there is more than one place to try (then each attempt gets a shorter timeout). */
  boolean several() {
    return configured.size() > 1;
  }

  /**
   * Every address to try, the last good one first. Names are resolved here (the JVM caches the
   * answers); a name that does not resolve is skipped, and named in {@code unresolved}.
   */
  List<Endpoint> order(List<String> unresolved) {
    List<Endpoint> out = new ArrayList<>();
    for (InetSocketAddress c : configured) {
      try {
        for (InetAddress a : InetAddress.getAllByName(c.getHostString())) {
          out.add(new Endpoint(c.getHostString(), new InetSocketAddress(a, c.getPort())));
        }
      } catch (UnknownHostException e) {
        unresolved.add(c.getHostString());
      }
    }
    Endpoint p = preferred;
    if (p != null && out.remove(p)) {
      out.add(0, p);
    }
    return out;
  }

  void succeeded(Endpoint e) {
    preferred = e;
  }
}
