package io.hoop.engine.http.config;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.engine.TargetSection;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code http} section: how the broker reaches the target (TLS or, only when the config
 * says {@code tls: false}, plain HTTP), the roles and their credentials and rules, and the masking
 * of JSON responses.
 *
 * @param host the target's host (the Host header the target sees)
 * @param port the target's port
 * @param tls whether the broker speaks HTTPS to the target
 * @param trust the certificates the target's chain must lead to ({@code caFile}); empty only
 *     without TLS
 * @param serverName the name sent in SNI and checked against the target's certificate; the host
 *     when the config has none
 * @param roles by name
 * @param masking the rules for JSON responses, in config order
 * @param detectors the content detectors every JSON string value goes through, and their style
 * @param reviewTimeout how long a request held for review waits for a decision
 * @param ignoreCase whether paths are matched ignoring case ({@code caseInsensitivePaths: true},
 *     for targets that fold case)
 */
public record HttpTarget(
    String host,
    int port,
    boolean tls,
    List<X509Certificate> trust,
    String serverName,
    Map<String, HttpRole> roles,
    String defaultRole,
    List<MaskRule> masking,
    ContentDetectors detectors,
    Duration reviewTimeout,
    boolean ignoreCase)
    implements TargetSection {
  /** The engine and section name. */
  public static final String ENGINE = "http";

  public HttpTarget {
    requireNonNull(host, "host");
    trust = List.copyOf(requireNonNull(trust, "trust"));
    requireNonNull(serverName, "serverName");
    roles = Map.copyOf(requireNonNull(roles, "roles"));
    requireNonNull(defaultRole, "defaultRole");
    masking = List.copyOf(requireNonNull(masking, "masking"));
    requireNonNull(detectors, "detectors");
    requireNonNull(reviewTimeout, "reviewTimeout");
    if (!roles.containsKey(defaultRole)) {
      throw new IllegalArgumentException("defaultRole '" + defaultRole + "' is not a role");
    }
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public List<String> roleNames() {
    return roles.keySet().stream().sorted().toList();
  }

  @Override
  public String defaultRole() {
    return defaultRole;
  }

  /** The Host header value the target sees: the host, with the port when it is not the scheme's. */
  public String hostHeader() {
    boolean defaultPort = tls ? port == 443 : port == 80;
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return defaultPort ? h : h + ":" + port;
  }

  @Override
  public String toString() {
    return "HttpTarget["
        + (tls ? "https" : "http")
        + "://"
        + hostHeader()
        + ", roles="
        + roleNames()
        + "]";
  }
}
