package io.hoop.broker.config;

import io.hoop.api.Durations;
import io.hoop.tunnel.protocol.Keepalive;
import java.time.Duration;

/**
 * The {@code tunnel} section: how the broker notices a tunnel whose client vanished.
 *
 * <pre>
 * tunnel:
 *   keepalive: 10s         # each end sends a PING this often
 *   deadPeerTimeout: 30s   # a client silent this long is cut, with its upstream connection
 * </pre>
 */
final class TunnelSection {
  private TunnelSection() {}

  /** The section as written; both keys optional. */
  record RawTunnel(String keepalive, String deadPeerTimeout) {}

  static Keepalive parse(String source, RawTunnel raw) throws ConfigException {
    if (raw == null) {
      return Keepalive.DEFAULT;
    }
    Duration interval =
        duration(source, "tunnel.keepalive", raw.keepalive(), Keepalive.DEFAULT.interval());
    Duration dead =
        duration(
            source,
            "tunnel.deadPeerTimeout",
            raw.deadPeerTimeout(),
            raw.keepalive() == null
                ? Keepalive.DEFAULT.deadPeerTimeout()
                : interval.multipliedBy(3));
    if (dead.compareTo(interval.multipliedBy(2)) < 0) {
      throw error(
          source,
          "tunnel.deadPeerTimeout",
          "'"
              + (raw.deadPeerTimeout() == null ? dead : raw.deadPeerTimeout())
              + "' must be at least twice tunnel.keepalive ("
              + (raw.keepalive() == null ? interval : raw.keepalive())
              + "), so one late PING does not cut a live client");
    }
    return new Keepalive(interval, dead);
  }

  private static Duration duration(String source, String key, String value, Duration dflt)
      throws ConfigException {
    if (value == null) {
      return dflt;
    }
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw error(source, key, e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw error(source, key, "'" + value + "' must be longer than 0s");
    }
    return d;
  }

  private static ConfigException error(String source, String key, String message) {
    return new ConfigException(source + ": " + key + ": " + message);
  }
}
