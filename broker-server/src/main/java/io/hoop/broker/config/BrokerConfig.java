package io.hoop.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The broker's validated configuration. Built only by {@link ConfigLoader}; every field is non-null
 * after loading (optional sections are empty {@link Optional}s).
 *
 * @param listen host:port to bind; port 0 picks a free port
 * @param publicUrl the URL clients use; derived from the bound address when absent
 * @param sessionTtl lifetime of broker session tokens
 * @param identity the organisation's OIDC provider; absent only in dev mode
 * @param devIdp settings of the embedded dev identity provider (dev mode only)
 * @param targets what can be reached, by unique name
 * @param entitlements who may request which targets
 * @param reviewPeriod how long a certification lasts when the reviewer names no end
 * @param store the PostgreSQL store; absent means the embedded H2 store in the data dir
 * @param notifications webhooks called on grant events
 * @param jira how to reach Jira for task checks; absent when no target checks tasks in Jira
 * @param tunnelKeepalive how tunnels notice a vanished client ({@code tunnel.keepalive}, {@code
 *     tunnel.deadPeerTimeout}); read at start
 * @param postgresDirect host:port of the broker's PostgreSQL port for direct access ({@code
 *     postgres.directListen}); absent when direct access is off. Read at start
 * @param retention how long recordings, statements and audit records are kept ({@code retention})
 * @param diagnosticsListen host:port of the plain-HTTP diagnostics listener ({@code
 *     diagnostics.listen}: {@code /metrics}, {@code /healthz}, {@code /readyz}); absent when off.
 *     Read at start
 */
public record BrokerConfig(
    String listen,
    Optional<String> publicUrl,
    Duration sessionTtl,
    Optional<IdentityConfig> identity,
    DevIdpConfig devIdp,
    List<TargetConfig> targets,
    List<EntitlementConfig> entitlements,
    Duration reviewPeriod,
    Optional<io.hoop.broker.store.PostgresConfig> store,
    NotificationsSection notifications,
    Optional<GovernanceSection.Jira> jira,
    io.hoop.tunnel.protocol.Keepalive tunnelKeepalive,
    Optional<String> postgresDirect,
    RetentionConfig retention,
    Optional<String> diagnosticsListen) {

  /** A config without a diagnostics listener. */
  public BrokerConfig(
      String listen,
      Optional<String> publicUrl,
      Duration sessionTtl,
      Optional<IdentityConfig> identity,
      DevIdpConfig devIdp,
      List<TargetConfig> targets,
      List<EntitlementConfig> entitlements,
      Duration reviewPeriod,
      Optional<io.hoop.broker.store.PostgresConfig> store,
      NotificationsSection notifications,
      Optional<GovernanceSection.Jira> jira,
      io.hoop.tunnel.protocol.Keepalive tunnelKeepalive,
      Optional<String> postgresDirect) {
    this(
        listen,
        publicUrl,
        sessionTtl,
        identity,
        devIdp,
        targets,
        entitlements,
        reviewPeriod,
        store,
        notifications,
        jira,
        tunnelKeepalive,
        postgresDirect,
        RetentionConfig.DEFAULTS,
        Optional.empty());
  }

  /** A config with retention rules and without a diagnostics listener. */
  public BrokerConfig(
      String listen,
      Optional<String> publicUrl,
      Duration sessionTtl,
      Optional<IdentityConfig> identity,
      DevIdpConfig devIdp,
      List<TargetConfig> targets,
      List<EntitlementConfig> entitlements,
      Duration reviewPeriod,
      Optional<io.hoop.broker.store.PostgresConfig> store,
      NotificationsSection notifications,
      Optional<GovernanceSection.Jira> jira,
      io.hoop.tunnel.protocol.Keepalive tunnelKeepalive,
      Optional<String> postgresDirect,
      RetentionConfig retention) {
    this(
        listen,
        publicUrl,
        sessionTtl,
        identity,
        devIdp,
        targets,
        entitlements,
        reviewPeriod,
        store,
        notifications,
        jira,
        tunnelKeepalive,
        postgresDirect,
        retention,
        Optional.empty());
  }

  /** A config without direct PostgreSQL access. */
  public BrokerConfig(
      String listen,
      Optional<String> publicUrl,
      Duration sessionTtl,
      Optional<IdentityConfig> identity,
      DevIdpConfig devIdp,
      List<TargetConfig> targets,
      List<EntitlementConfig> entitlements,
      Duration reviewPeriod,
      Optional<io.hoop.broker.store.PostgresConfig> store,
      NotificationsSection notifications,
      Optional<GovernanceSection.Jira> jira,
      io.hoop.tunnel.protocol.Keepalive tunnelKeepalive) {
    this(
        listen,
        publicUrl,
        sessionTtl,
        identity,
        devIdp,
        targets,
        entitlements,
        reviewPeriod,
        store,
        notifications,
        jira,
        tunnelKeepalive,
        Optional.empty(),
        RetentionConfig.DEFAULTS,
        Optional.empty());
  }

  public Optional<TargetConfig> target(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
