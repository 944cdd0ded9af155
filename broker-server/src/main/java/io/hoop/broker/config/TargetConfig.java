package io.hoop.broker.config;

import java.time.Duration;

/**
 * One target.
 *
 * @param name unique name used by {@code hoop connect}
 * @param type {@code tcp} or {@code postgres} (both relayed by the tcp engine in this release)
 * @param host upstream host
 * @param port upstream port
 * @param description free text
 * @param maxDuration longest grant on this target
 * @param defaultDuration grant length when the request names none
 */
public record TargetConfig(
    String name,
    String type,
    String host,
    int port,
    String description,
    Duration maxDuration,
    Duration defaultDuration) {

  public String address() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
