package io.hoop.broker.config;

import io.hoop.tunnel.engine.TargetSection;
import io.hoop.tunnel.engine.TcpEngine;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One target.
 *
 * @param name unique name used by {@code hoop connect}
 * @param type a registered target kind: {@code tcp}, {@code postgres}, {@code ssh}
 * @param host upstream host
 * @param port upstream port
 * @param description free text
 * @param maxDuration longest grant on this target
 * @param defaultDuration grant length when the request names none
 * @param reviewers groups whose members approve requests and certify entitlements; empty means the
 *     target has no review process (entitlements grant at once, review or not)
 * @param approvals distinct approvers a pending request needs (at least 1)
 * @param onNoEntitlement what a request without an entitlement gets
 * @param pendingTimeout how long a pending request waits for approvers before it expires
 * @param taskPattern regular expression every task id must match (whole string)
 * @param breakGlass whether break-glass access (immediate, capped, reviewed afterwards) is allowed
 * @param rules Jira task check, approval stages and the break-glass cap
 * @param section the target's engine section as its kind parsed it (which engine relays it, its
 *     roles and their policy); a relay section for a target without one
 * @param via the agent whose connection reaches the target ({@code via:}), null when the broker
 *     dials it itself
 */
public record TargetConfig(
    String name,
    String type,
    String host,
    int port,
    String description,
    Duration maxDuration,
    Duration defaultDuration,
    List<String> reviewers,
    int approvals,
    OnNoEntitlement onNoEntitlement,
    Duration pendingTimeout,
    String taskPattern,
    boolean breakGlass,
    GovernanceSection.TargetRules rules,
    TargetSection section,
    String via) {

  /** Default task id rule: 1-128 letters, digits or {@code . _ : # / -}, starting alphanumeric. */
  public static final String DEFAULT_TASK_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:#/-]{0,127}$";

  /** What a request gets when no entitlement covers the caller. */
  public enum OnNoEntitlement {
    /** Refused at once. */
    DENY,
    /** Sent to the target's reviewers. */
    REVIEW
  }

  public TargetConfig {
    reviewers = List.copyOf(reviewers);
    java.util.Objects.requireNonNull(section, "section");
  }

  /** A target the broker dials itself (no {@code via}). */
  public TargetConfig(
      String name,
      String type,
      String host,
      int port,
      String description,
      Duration maxDuration,
      Duration defaultDuration,
      List<String> reviewers,
      int approvals,
      OnNoEntitlement onNoEntitlement,
      Duration pendingTimeout,
      String taskPattern,
      boolean breakGlass,
      GovernanceSection.TargetRules rules,
      TargetSection section) {
    this(
        name,
        type,
        host,
        port,
        description,
        maxDuration,
        defaultDuration,
        reviewers,
        approvals,
        onNoEntitlement,
        pendingTimeout,
        taskPattern,
        breakGlass,
        rules,
        section,
        null);
  }

  /** A target with the governance defaults (no reviewers, deny without entitlement). */
  public static TargetConfig basic(
      String name,
      String type,
      String host,
      int port,
      Duration maxDuration,
      Duration defaultDuration) {
    return new TargetConfig(
        name,
        type,
        host,
        port,
        "",
        maxDuration,
        defaultDuration,
        List.of(),
        1,
        OnNoEntitlement.DENY,
        Duration.ofHours(1),
        DEFAULT_TASK_PATTERN,
        false,
        GovernanceSection.TargetRules.DEFAULTS,
        TargetSection.relay(TcpEngine.NAME));
  }

  public String address() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }

  /** The approval stages: the configured ones, or the single stage reviewers x approvals. */
  public List<GovernanceSection.Stage> stages() {
    return rules.stages().isEmpty()
        ? List.of(new GovernanceSection.Stage(reviewers, approvals))
        : rules.stages();
  }

  /** Whether a caller in these groups reviews this target. */
  public boolean isReviewer(List<String> groups) {
    return reviewers.stream().anyMatch(groups::contains);
  }

  /** The engine the target's tunnels run. */
  public String engine() {
    return section.engine();
  }

  /** The role names a grant may ask for, sorted; empty when the target has none. */
  public List<String> roleNames() {
    return section.roleNames();
  }

  /**
   * The role a grant runs as: the requested one, else the target's default at the time of the
   * request (null when the target has no roles). Stored with the grant, so a later change of the
   * default never moves an approved grant to a role nobody approved.
   */
  public String resolveRole(String requested) {
    return requested != null ? requested : section.defaultRole();
  }

  /**
   * Why a request for {@code role} cannot be served: the target's engine has no such role. Empty
   * when it can, or when the target does not use roles (a raw relay, tcp).
   */
  public Optional<String> checkRole(String role) {
    if (role == null || roleNames().isEmpty() || roleNames().contains(role)) {
      return Optional.empty();
    }
    return Optional.of(
        "target " + name + " has no role '" + role + "'; expected one of " + roleNames());
  }
}
