package io.hoop.engine.postgres.config;

import static java.util.Objects.requireNonNull;

import io.hoop.detect.Detector;
import io.hoop.engine.postgres.engine.Secret;
import io.hoop.engine.postgres.engine.UpstreamTls;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.UnknownLineage;
import io.hoop.tunnel.engine.TargetSection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code postgres} section of a target: which engine relays it, the database, upstream TLS, the
 * roles the broker logs in as (a grant's role picks one), guardrails per role and masking.
 *
 * @param engine {@code postgres} (protocol-aware) or {@code tcp} (bytes relayed as they are)
 * @param database database used when the client names none
 * @param tls TLS from the broker to the server
 * @param defaultRole role used when a grant names none
 * @param roles role name to upstream credential
 * @param guardrails role name (or {@code default}) to its guardrail rules
 * @param masking masking applied to every role; null means none
 */
public record PostgresTarget(
    String engine,
    String database,
    UpstreamTls tls,
    String defaultRole,
    Map<String, Role> roles,
    Map<String, Rules> guardrails,
    Masking masking)
    implements TargetSection {
  /** The engine that understands the PostgreSQL protocol. */
  public static final String ENGINE = "postgres";

  /** The guardrails key that applies to roles without their own entry. */
  public static final String DEFAULT_RULES = "default";

  public PostgresTarget {
    requireNonNull(engine, "engine");
    requireNonNull(database, "database");
    requireNonNull(tls, "tls");
    requireNonNull(defaultRole, "defaultRole");
    roles = Map.copyOf(roles);
    guardrails = Map.copyOf(guardrails);
  }

  /** The roles, sorted; none when the target is relayed byte for byte (roles need the engine). */
  @Override
  public List<String> roleNames() {
    return protocolAware() ? List.copyOf(new TreeSet<>(roles.keySet())) : List.of();
  }

  /** The role a grant that names none runs as; null for a raw relay. */
  @Override
  public String defaultRole() {
    return protocolAware() ? defaultRole : null;
  }

  /** Whether tunnels to this target run through the postgres engine (else a raw relay). */
  public boolean protocolAware() {
    return ENGINE.equals(engine);
  }

  /** The credential for {@code role} ({@link #defaultRole} when null), if the target has it. */
  public Optional<Role> role(String role) {
    return Optional.ofNullable(roles.get(role == null ? defaultRole : role));
  }

  /** The role's own guardrails, else the {@code default} entry, else {@link Rules#defaults()}. */
  public Rules rulesFor(String role) {
    Rules own = guardrails.get(role == null ? defaultRole : role);
    if (own != null) {
      return own;
    }
    return guardrails.getOrDefault(DEFAULT_RULES, Rules.defaults());
  }

  /**
   * One upstream login.
   *
   * @param user PostgreSQL role the broker logs in as
   * @param password its password, read from the role's {@code passwordFile}
   */
  public record Role(String user, Secret password) {
    public Role {
      requireNonNull(user, "user");
      requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Role[user=" + user + ", password=<redacted>]";
    }
  }

  /**
   * Masking without its token key, which lives in the broker's data dir rather than the config.
   *
   * @param columns column rules, first match wins
   * @param detectors content detectors for everything else, built-in and configured
   * @param detectorStyle how detected content is replaced
   * @param detectorStyles per detector id, a style other than {@code detectorStyle}
   * @param onUnknownLineage what happens to computed columns that may derive from a ruled column
   */
  public record Masking(
      List<MaskRule> columns,
      Set<Detector> detectors,
      MaskStyle detectorStyle,
      Map<String, MaskStyle> detectorStyles,
      UnknownLineage onUnknownLineage) {
    public Masking {
      columns = List.copyOf(columns);
      detectors = Set.copyOf(detectors);
      requireNonNull(detectorStyle, "detectorStyle");
      detectorStyles = Map.copyOf(detectorStyles);
      requireNonNull(onUnknownLineage, "onUnknownLineage");
    }

    /** Masking with one detector style and unknown lineage redacted. */
    public Masking(List<MaskRule> columns, Set<Detector> detectors, MaskStyle detectorStyle) {
      this(columns, detectors, detectorStyle, Map.of(), UnknownLineage.REDACT);
    }

    /** The engine's rules, with the broker's HMAC key for {@link MaskStyle#TOKEN}. */
    public MaskingRules withKey(byte[] tokenKey) {
      return new MaskingRules(
          columns, detectors, detectorStyle, detectorStyles, onUnknownLineage, tokenKey);
    }
  }
}
