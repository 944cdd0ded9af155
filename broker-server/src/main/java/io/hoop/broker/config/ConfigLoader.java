package io.hoop.broker.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hoop.api.Durations;
import io.hoop.broker.config.DevIdpConfig.DevUserConfig;
import io.hoop.broker.engines.BrokerEngines;
import io.hoop.tunnel.engine.TargetKind;
import io.hoop.tunnel.engine.TargetKinds;
import io.hoop.tunnel.engine.TargetSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and validates the broker's YAML config. Every failure is a {@link ConfigException} naming
 * the key (e.g. {@code targets[1].maxDuration}) and what was expected; nothing half-valid escapes.
 */
public final class ConfigLoader {
  static final int MAX_FILE_BYTES = 1024 * 1024;
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
  private static final TargetKinds KINDS = BrokerEngines.targetKinds();
  private static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(15);
  private static final Duration DEFAULT_TARGET_MAX = Duration.ofHours(8);
  private static final Duration DEFAULT_GRANT = Duration.ofHours(1);
  private static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofHours(1);
  private static final Duration DEFAULT_REVIEW_PERIOD = Duration.ofDays(90);
  private static final int MAX_APPROVALS = 20;

  private static final ObjectMapper YAML =
      YAMLMapper.builder(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private final String source;

  private ConfigLoader(String source) {
    this.source = source;
  }

  /** Loads a file; {@code dev} relaxes the requirement of an {@code identity} section. */
  public static BrokerConfig load(Path file, boolean dev) throws ConfigException {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ConfigException(
            file + ": file is " + Files.size(file) + " bytes; expected at most " + MAX_FILE_BYTES);
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
    }
    return parse(file.toString(), new String(bytes, StandardCharsets.UTF_8), dev);
  }

  /** Parses YAML text; {@code source} names it in errors. */
  public static BrokerConfig parse(String source, String yaml, boolean dev) throws ConfigException {
    ConfigLoader loader = new ConfigLoader(source);
    if (yaml.length() > MAX_FILE_BYTES) {
      throw loader.error("", "config is too large; expected at most " + MAX_FILE_BYTES + " bytes");
    }
    RawConfig raw;
    try {
      raw = yaml.isBlank() ? null : YAML.readValue(yaml, RawConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds() == null
              ? ""
              : " (known keys: "
                  + e.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + ")";
      throw loader.error(path(e), "unknown key" + known);
    } catch (MismatchedInputException e) {
      throw loader.error(path(e), "invalid value: expected " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JacksonException syntax) {
        throw loader.error("", "not valid YAML: " + firstLine(syntax) + location(syntax));
      }
      throw loader.error(path(e), "invalid value: " + firstLine(e));
    } catch (JacksonException e) {
      throw loader.error("", "not valid YAML: " + firstLine(e) + location(e));
    }
    if (raw == null) {
      raw = new RawConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }
    return loader.validate(raw, dev);
  }

  private BrokerConfig validate(RawConfig raw, boolean dev) throws ConfigException {
    String listen = raw.listen() == null ? "127.0.0.1:8443" : raw.listen();
    parseHostPort("listen", listen, true);
    Optional<String> publicUrl = Optional.ofNullable(raw.publicUrl());
    if (publicUrl.isPresent() && !publicUrl.get().startsWith("https://")) {
      throw error("publicUrl", "'" + publicUrl.get() + "' must be an https:// URL");
    }
    Duration sessionTtl = duration("sessionTtl", raw.sessionTtl(), DEFAULT_SESSION_TTL);

    Optional<IdentityConfig> identity = IdentitySection.parse(source, raw.identity(), dev);

    DevIdpConfig devIdp = devIdp(raw.devIdp());

    List<TargetConfig> targets = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<RawTarget> rawTargets = raw.targets() == null ? List.of() : raw.targets();
    for (int i = 0; i < rawTargets.size(); i++) {
      String key = "targets[" + i + "]";
      RawTarget rt = rawTargets.get(i);
      if (rt == null) {
        throw error(key, "empty entry");
      }
      unknownKeys(key, rt);
      String name = required(key + ".name", rt.name());
      if (!NAME.matcher(name).matches()) {
        throw error(
            key + ".name",
            "'" + name + "' must be lower-case letters, digits, '.', '_' or '-' (max 63)");
      }
      Integer first = seen.putIfAbsent(name, i);
      if (first != null) {
        throw error(
            key + ".name",
            "duplicate target '" + name + "' (already defined at targets[" + first + "])");
      }
      String type = required(key + ".type", rt.type());
      TargetKind kind =
          KINDS
              .find(type)
              .orElseThrow(
                  () ->
                      error(
                          key + ".type",
                          "'"
                              + type
                              + "' is not a target type; expected one of "
                              + new TreeSet<>(KINDS.types())));
      String[] hp =
          parseHostPort(key + ".address", required(key + ".address", rt.address()), false);
      Duration max = duration(key + ".maxDuration", rt.maxDuration(), DEFAULT_TARGET_MAX);
      Duration def =
          duration(
              key + ".defaultDuration",
              rt.defaultDuration(),
              DEFAULT_GRANT.compareTo(max) < 0 ? DEFAULT_GRANT : max);
      if (def.compareTo(max) > 0) {
        throw error(
            key + ".defaultDuration", "is longer than maxDuration " + Durations.format(max));
      }
      List<String> singleStage = reviewers(key + ".reviewers", rt.reviewers());
      GovernanceSection.TargetRules rules =
          GovernanceSection.target(
              source,
              key,
              rt.task(),
              rt.stages(),
              rt.breakGlass(),
              singleStage,
              raw.jira() != null);
      rules =
          rules.withHoldTimeout(
              GovernanceSection.holdTimeout(source, key + ".holdTimeout", rt.holdTimeout()));
      List<String> allReviewers =
          rules.stages().stream().flatMap(st -> st.groups().stream()).distinct().toList();
      targets.add(
          new TargetConfig(
              name,
              type,
              hp[0],
              Integer.parseInt(hp[1]),
              rt.description() == null ? "" : rt.description(),
              max,
              def,
              rules.stages().isEmpty() ? singleStage : allReviewers,
              rules.stages().isEmpty()
                  ? approvals(key + ".approvals", rt.approvals())
                  : rules.stages().stream().mapToInt(GovernanceSection.Stage::approvals).sum(),
              onNoEntitlement(key, rt, rules.stages().isEmpty() ? singleStage : allReviewers),
              duration(key + ".pendingTimeout", rt.pendingTimeout(), DEFAULT_PENDING_TIMEOUT),
              taskPattern(key + ".task.pattern", GovernanceSection.pattern(rt.task())),
              GovernanceSection.breakGlass(source, key, rt.breakGlass(), rules, singleStage),
              rules,
              section(key, name, kind, hp, rt)));
    }

    List<EntitlementConfig> entitlements = new ArrayList<>();
    Map<String, String> covered = new HashMap<>();
    List<RawEntitlement> rawEnts = raw.entitlements() == null ? List.of() : raw.entitlements();
    for (int i = 0; i < rawEnts.size(); i++) {
      String key = "entitlements[" + i + "]";
      RawEntitlement re = rawEnts.get(i);
      if (re == null) {
        throw error(key, "empty entry");
      }
      if ((re.principal() == null) == (re.group() == null)) {
        throw error(key, "needs exactly one of 'principal' or 'group'");
      }
      List<String> ts = re.targets() == null ? List.of() : re.targets();
      if (ts.isEmpty()) {
        throw error(key + ".targets", "missing: list the target names this entitlement covers");
      }
      String subject =
          re.principal() != null ? "principal " + re.principal() : "group " + re.group();
      for (int j = 0; j < ts.size(); j++) {
        if (!seen.containsKey(ts.get(j))) {
          throw error(
              key + ".targets[" + j + "]",
              "unknown target '" + ts.get(j) + "'; defined: " + seen.keySet());
        }
        // The store keys entitlements by subject and target, so each pair may appear only once.
        String first = covered.putIfAbsent(subject + " -> " + ts.get(j), key);
        if (first != null) {
          throw error(
              key + ".targets[" + j + "]",
              "duplicate entitlement for "
                  + subject
                  + " on target '"
                  + ts.get(j)
                  + "' (already in "
                  + first
                  + ")");
        }
      }
      Optional<Instant> reviewedAt = instant(key + ".reviewedAt", re.reviewedAt());
      Optional<Instant> reviewExpiresAt = instant(key + ".reviewExpiresAt", re.reviewExpiresAt());
      Optional<String> reviewedBy = Optional.ofNullable(re.reviewedBy());
      if (reviewedBy.isPresent() && reviewedBy.get().isBlank()) {
        throw error(key + ".reviewedBy", "must name the reviewer");
      }
      if (reviewedBy.isPresent() != reviewExpiresAt.isPresent()) {
        throw error(
            key + (reviewedBy.isPresent() ? ".reviewExpiresAt" : ".reviewedBy"),
            "missing: a seeded review needs both reviewedBy and reviewExpiresAt");
      }
      if (reviewedAt.isPresent() && reviewedBy.isEmpty()) {
        throw error(key + ".reviewedBy", "missing: reviewedAt needs reviewedBy");
      }
      if (reviewedAt.isPresent()
          && reviewExpiresAt.isPresent()
          && !reviewedAt.get().isBefore(reviewExpiresAt.get())) {
        throw error(
            key + ".reviewExpiresAt",
            reviewExpiresAt.get() + " must be after reviewedAt " + reviewedAt.get());
      }
      entitlements.add(
          new EntitlementConfig(
              Optional.ofNullable(re.principal()),
              Optional.ofNullable(re.group()),
              List.copyOf(ts),
              duration(key + ".maxDuration", re.maxDuration(), DEFAULT_TARGET_MAX),
              reviewedBy,
              reviewedAt,
              reviewExpiresAt));
    }
    return new BrokerConfig(
        listen,
        publicUrl,
        sessionTtl,
        identity,
        devIdp,
        List.copyOf(targets),
        List.copyOf(entitlements),
        duration("reviewPeriod", raw.reviewPeriod(), DEFAULT_REVIEW_PERIOD),
        StoreSection.parse(source, raw.store()),
        NotificationsSection.parse(source, raw.notifications()),
        GovernanceSection.jira(source, raw.jira()),
        TunnelSection.parse(source, raw.tunnel()));
  }

  private List<String> reviewers(String key, List<String> raw) throws ConfigException {
    if (raw == null) {
      return List.of();
    }
    Set<String> unique = new java.util.LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String g = raw.get(i);
      if (g == null || g.isBlank()) {
        throw error(key + "[" + i + "]", "empty group name");
      }
      if (!unique.add(g)) {
        throw error(key + "[" + i + "]", "duplicate group '" + g + "'");
      }
    }
    return List.copyOf(unique);
  }

  private int approvals(String key, Integer raw) throws ConfigException {
    if (raw == null) {
      return 1;
    }
    if (raw < 1 || raw > MAX_APPROVALS) {
      throw error(key, raw + " is out of range; expected 1-" + MAX_APPROVALS);
    }
    return raw;
  }

  private TargetConfig.OnNoEntitlement onNoEntitlement(
      String key, RawTarget rt, List<String> reviewers) throws ConfigException {
    String v = rt.onNoEntitlement();
    if (v == null || v.equals("deny")) {
      return TargetConfig.OnNoEntitlement.DENY;
    }
    if (!v.equals("review")) {
      throw error(key + ".onNoEntitlement", "'" + v + "' is not allowed; expected deny or review");
    }
    if (reviewers.isEmpty()) {
      throw error(
          key + ".onNoEntitlement",
          "'review' needs reviewers: list the groups that approve requests in "
              + key
              + ".reviewers");
    }
    return TargetConfig.OnNoEntitlement.REVIEW;
  }

  private String taskPattern(String key, String pattern) throws ConfigException {
    if (pattern == null) {
      return TargetConfig.DEFAULT_TASK_PATTERN;
    }
    try {
      Pattern.compile(pattern);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw error(key, "'" + pattern + "' is not a regular expression: " + e.getDescription());
    }
    return pattern;
  }

  private Optional<Instant> instant(String key, String value) throws ConfigException {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(value));
    } catch (java.time.format.DateTimeParseException e) {
      throw error(key, "'" + value + "' is not an ISO instant; expected e.g. 2026-01-31T00:00:00Z");
    }
  }

  private DevIdpConfig devIdp(RawDevIdp raw) throws ConfigException {
    List<DevUserConfig> users = new ArrayList<>();
    if (raw == null || raw.users() == null) {
      users.add(new DevUserConfig("alice", "alice@example.test", List.of("engineering")));
      users.add(new DevUserConfig("bob", "bob@example.test", List.of("reviewers")));
    } else {
      Set<String> names = new java.util.HashSet<>();
      for (int i = 0; i < raw.users().size(); i++) {
        String key = "devIdp.users[" + i + "]";
        RawDevUser u = raw.users().get(i);
        if (u == null) {
          throw error(key, "empty entry");
        }
        String name = required(key + ".username", u.username());
        if (!NAME.matcher(name).matches()) {
          throw error(
              key + ".username", "'" + name + "' must be lower-case letters, digits, . _ -");
        }
        if (!names.add(name)) {
          throw error(key + ".username", "duplicate user '" + name + "'");
        }
        users.add(
            new DevUserConfig(
                name,
                u.email() == null ? name + "@example.test" : u.email(),
                u.groups() == null ? List.of() : List.copyOf(u.groups()),
                Boolean.TRUE.equals(u.disabled())));
      }
    }
    String clientId = raw == null || raw.clientId() == null ? "hoop-cli" : raw.clientId();
    Duration codeTtl =
        duration("devIdp.codeTtl", raw == null ? null : raw.codeTtl(), Duration.ofMinutes(10));
    Duration poll =
        duration(
            "devIdp.pollInterval", raw == null ? null : raw.pollInterval(), Duration.ofSeconds(5));
    return new DevIdpConfig(
        clientId,
        codeTtl,
        poll,
        List.copyOf(users),
        IdentitySection.devClients(source, raw == null ? null : raw.clients()));
  }

  private Duration duration(String key, String value, Duration dflt) throws ConfigException {
    if (value == null) {
      return dflt;
    }
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
    if (d.isZero()) {
      throw error(key, "must be longer than 0s");
    }
    return d;
  }

  private String required(String key, String value) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw error(key, "missing");
    }
    return value;
  }

  private String[] parseHostPort(String key, String value, boolean allowZero)
      throws ConfigException {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw error(key, "'" + value + "' is not host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw error(key, "'" + value + "' has a port that is not a number");
    }
    if (port < (allowZero ? 0 : 1) || port > 65535) {
      throw error(key, "port " + port + " is out of range " + (allowZero ? 0 : 1) + "-65535");
    }
    return new String[] {host, Integer.toString(port)};
  }

  /** Refuses a key that is neither a common target key nor the section of a registered kind. */
  private void unknownKeys(String key, RawTarget rt) throws ConfigException {
    for (String k : rt.sections().keySet()) {
      if (KINDS.find(k).isEmpty()) {
        Set<String> known = new TreeSet<>(COMMON_TARGET_KEYS);
        known.addAll(KINDS.types());
        throw error(key + "." + k, "unknown key (known keys: " + String.join(", ", known) + ")");
      }
    }
  }

  /**
   * The target's engine section, parsed by its kind: the key named like the target's type. Any
   * other key that is not a common target key is refused (another kind's section names its type).
   */
  private TargetSection section(String key, String name, TargetKind kind, String[] hp, RawTarget rt)
      throws ConfigException {
    Object raw = null;
    for (Map.Entry<String, JsonNode> e : rt.sections().entrySet()) {
      if (e.getKey().equals(kind.type())) {
        raw = e.getValue() == null ? null : YAML.convertValue(e.getValue(), Object.class);
      } else {
        throw error(key + "." + e.getKey(), "only allowed on targets of type " + e.getKey());
      }
    }
    try {
      return kind.parse(
          new TargetKind.TargetPlace(key, name, hp[0], Integer.parseInt(hp[1]), rt.engine()), raw);
    } catch (TargetKind.SectionException e) {
      throw new ConfigException(source + ": " + e.getMessage());
    }
  }

  private ConfigException error(String key, String message) {
    return new ConfigException(source + ": " + (key.isEmpty() ? "" : key + ": ") + message);
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "another kind of value";
    }
    if (type == String.class) {
      return "a single value (text)";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping of keys ("
        + type.getSimpleName().replace("Raw", "").toLowerCase(java.util.Locale.ROOT)
        + ")";
  }

  private static String firstLine(JacksonException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static String location(JacksonException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  record RawConfig(
      String listen,
      String publicUrl,
      String sessionTtl,
      IdentitySection.RawIdentity identity,
      RawDevIdp devIdp,
      List<RawTarget> targets,
      List<RawEntitlement> entitlements,
      String reviewPeriod,
      com.fasterxml.jackson.databind.JsonNode store,
      NotificationsSection.RawNotifications notifications,
      GovernanceSection.RawJira jira,
      TunnelSection.RawTunnel tunnel) {}

  record RawDevIdp(
      String clientId,
      String codeTtl,
      String pollInterval,
      List<RawDevUser> users,
      List<IdentitySection.RawDevClient> clients) {}

  record RawDevUser(String username, String email, List<String> groups, Boolean disabled) {}

  record RawTarget(
      String name,
      String type,
      String address,
      String description,
      String maxDuration,
      String defaultDuration,
      List<String> reviewers,
      Integer approvals,
      String onNoEntitlement,
      String pendingTimeout,
      GovernanceSection.RawTask task,
      com.fasterxml.jackson.databind.JsonNode breakGlass,
      List<GovernanceSection.RawStage> stages,
      String engine,
      String holdTimeout,
      @JsonAnySetter Map<String, JsonNode> sections) {
    RawTarget {
      sections = sections == null ? Map.of() : sections;
    }
  }

  private static final Set<String> COMMON_TARGET_KEYS =
      java.util.Arrays.stream(RawTarget.class.getRecordComponents())
          .map(java.lang.reflect.RecordComponent::getName)
          .filter(n -> !n.equals("sections"))
          .collect(Collectors.toUnmodifiableSet());

  record RawEntitlement(
      String principal,
      String group,
      List<String> targets,
      String maxDuration,
      String reviewedBy,
      String reviewedAt,
      String reviewExpiresAt) {}
}
