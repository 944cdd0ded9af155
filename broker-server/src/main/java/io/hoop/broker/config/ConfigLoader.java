package io.hoop.broker.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
  private final ConfigProblems problems;

  private ConfigLoader(String source, String yaml) {
    this.source = source;
    this.problems = new ConfigProblems(source, yaml);
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
    if (yaml.length() > MAX_FILE_BYTES) {
      throw new ConfigException(
          source + ": config is too large; expected at most " + MAX_FILE_BYTES + " bytes");
    }
    ConfigLoader loader = new ConfigLoader(source, yaml);
    RawConfig raw;
    try {
      raw =
          yaml.isBlank()
              ? null
              : YAML.readerFor(RawConfig.class).withHandler(loader.unknownKeys()).readValue(yaml);
    } catch (MismatchedInputException e) {
      throw loader.fatal(path(e), "invalid value: expected " + describe(e.getTargetType()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JacksonException syntax) {
        throw loader.syntax(syntax);
      }
      throw loader.fatal(path(e), "invalid value: " + firstLine(e));
    } catch (JacksonException e) {
      throw loader.syntax(e);
    }
    if (raw == null) {
      raw =
          new RawConfig(
              null, null, null, null, null, null, null, null, null, null, null, null, null, null,
              null);
    }
    return loader.validate(raw, dev);
  }

  private BrokerConfig validate(RawConfig raw, boolean dev) throws ConfigException {
    String listen =
        problems.attempt(
            () -> {
              String l = raw.listen() == null ? "127.0.0.1:8443" : raw.listen();
              parseHostPort("listen", l, true);
              return l;
            });
    Optional<String> publicUrl =
        problems.attempt(
            () -> {
              Optional<String> u = Optional.ofNullable(raw.publicUrl());
              if (u.isPresent() && !u.get().startsWith("https://")) {
                throw error("publicUrl", "'" + u.get() + "' must be an https:// URL");
              }
              return u;
            });
    Duration sessionTtl =
        problems.attempt(() -> duration("sessionTtl", raw.sessionTtl(), DEFAULT_SESSION_TTL));
    Optional<IdentityConfig> identity =
        problems.attempt(() -> IdentitySection.parse(source, raw.identity(), dev));
    DevIdpConfig devIdp = problems.attempt(() -> devIdp(raw.devIdp()));

    List<TargetConfig> targets = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    List<RawTarget> rawTargets = raw.targets() == null ? List.of() : raw.targets();
    for (int i = 0; i < rawTargets.size(); i++) {
      int index = i;
      TargetConfig t = problems.attempt(() -> target(index, rawTargets.get(index), raw, seen));
      if (t != null) {
        targets.add(t);
      }
    }
    List<EntitlementConfig> entitlements = new ArrayList<>();
    Map<String, String> covered = new HashMap<>();
    List<RawEntitlement> rawEnts = raw.entitlements() == null ? List.of() : raw.entitlements();
    for (int i = 0; i < rawEnts.size(); i++) {
      int index = i;
      EntitlementConfig e =
          problems.attempt(() -> entitlement(index, rawEnts.get(index), seen, covered));
      if (e != null) {
        entitlements.add(e);
      }
    }
    Duration reviewPeriod =
        problems.attempt(() -> duration("reviewPeriod", raw.reviewPeriod(), DEFAULT_REVIEW_PERIOD));
    Optional<io.hoop.broker.store.PostgresConfig> store =
        problems.attempt(() -> StoreSection.parse(source, raw.store()));
    NotificationsSection notifications =
        problems.attempt(() -> NotificationsSection.parse(source, raw.notifications()));
    Optional<GovernanceSection.Jira> jira =
        problems.attempt(() -> GovernanceSection.jira(source, raw.jira()));
    io.hoop.tunnel.protocol.Keepalive tunnel =
        problems.attempt(() -> TunnelSection.parse(source, raw.tunnel()));
    Optional<String> postgresDirect = problems.attempt(() -> postgresDirect(raw.postgres()));
    RetentionConfig retention = retention(raw, rawTargets);
    Optional<String> diagnostics = problems.attempt(() -> diagnostics(raw.diagnostics()));
    problems.throwIfAny();
    return new BrokerConfig(
        listen,
        publicUrl,
        sessionTtl,
        identity,
        devIdp,
        List.copyOf(targets),
        List.copyOf(entitlements),
        reviewPeriod,
        store,
        notifications,
        jira,
        tunnel,
        postgresDirect,
        retention,
        diagnostics);
  }

  /** {@code retention:} and each target's {@code retention:}, problems kept like the others'. */
  private RetentionConfig retention(RawConfig raw, List<RawTarget> rawTargets) {
    Map<String, RetentionConfig.TargetRetention> perTarget = new java.util.LinkedHashMap<>();
    for (int i = 0; i < rawTargets.size(); i++) {
      RawTarget rt = rawTargets.get(i);
      String key = "targets[" + i + "]";
      RetentionConfig.TargetRetention tr =
          rt == null || rt.name() == null || rt.retention() == null
              ? null
              : problems.attempt(() -> RetentionSection.target(source, key, rt.retention()));
      if (tr != null) {
        perTarget.put(rt.name(), tr);
      }
    }
    return problems.attempt(() -> RetentionSection.parse(source, raw.retention(), perTarget));
  }

  /** {@code diagnostics.listen}: host:port of the plain-HTTP diagnostics listener. */
  private Optional<String> diagnostics(RawDiagnostics raw) throws ConfigException {
    if (raw == null || raw.listen() == null) {
      return Optional.empty();
    }
    parseHostPort("diagnostics.listen", raw.listen(), true);
    return Optional.of(raw.listen());
  }

  /** {@code postgres.directListen}: host:port of the direct PostgreSQL port, absent when off. */
  private Optional<String> postgresDirect(RawPostgres raw) throws ConfigException {
    if (raw == null || raw.directListen() == null) {
      return Optional.empty();
    }
    parseHostPort("postgres.directListen", raw.directListen(), true);
    return Optional.of(raw.directListen());
  }

  /**
   * One target entry, or {@code null} when it has problems (kept). Its name counts as defined from
   * the moment it is read, even when a later key of the entry is wrong, so entitlements naming it
   * are not reported as well.
   */
  private TargetConfig target(int i, RawTarget rt, RawConfig raw, Map<String, Integer> seen)
      throws ConfigException {
    String key = "targets[" + i + "]";
    if (rt == null) {
      throw error(key, "empty entry");
    }
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
    // The keys below are checked independently, so one entry's problems are reported together.
    int before = problems.size();
    problems.attempt(
        () -> {
          unknownKeys(key, rt);
          return Boolean.TRUE;
        });
    String type = problems.attempt(() -> required(key + ".type", rt.type()));
    TargetKind kind =
        type == null
            ? null
            : problems.attempt(
                () ->
                    KINDS
                        .find(type)
                        .orElseThrow(
                            () ->
                                error(
                                    key + ".type",
                                    "'"
                                        + type
                                        + "' is not a target type; expected one of "
                                        + new TreeSet<>(KINDS.types()))));
    String[] hp =
        problems.attempt(
            () -> parseHostPort(key + ".address", required(key + ".address", rt.address()), false));
    Duration[] durations =
        problems.attempt(
            () -> {
              Duration max = duration(key + ".maxDuration", rt.maxDuration(), DEFAULT_TARGET_MAX);
              Duration def =
                  duration(
                      key + ".defaultDuration",
                      rt.defaultDuration(),
                      DEFAULT_GRANT.compareTo(max) < 0 ? DEFAULT_GRANT : max);
              if (def.compareTo(max) > 0) {
                throw error(
                    key + ".defaultDuration",
                    "is longer than maxDuration " + Durations.format(max));
              }
              return new Duration[] {max, def};
            });
    Duration pendingTimeout =
        problems.attempt(
            () -> duration(key + ".pendingTimeout", rt.pendingTimeout(), DEFAULT_PENDING_TIMEOUT));
    TargetSection section =
        kind == null || hp == null
            ? null
            : problems.attempt(() -> section(key, name, kind, hp, rt));
    String via = problems.attempt(() -> via(key + ".via", rt.via()));
    TargetConfig target =
        problems.attempt(
            () -> {
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
                      GovernanceSection.holdTimeout(
                          source, key + ".holdTimeout", rt.holdTimeout()));
              List<String> allReviewers =
                  rules.stages().stream().flatMap(st -> st.groups().stream()).distinct().toList();
              List<String> reviewers = rules.stages().isEmpty() ? singleStage : allReviewers;
              int approvals =
                  rules.stages().isEmpty()
                      ? approvals(key + ".approvals", rt.approvals())
                      : rules.stages().stream().mapToInt(GovernanceSection.Stage::approvals).sum();
              TargetConfig.OnNoEntitlement onNone = onNoEntitlement(key, rt, reviewers);
              String task =
                  taskPattern(key + ".task.pattern", GovernanceSection.pattern(rt.task()));
              boolean breakGlass =
                  GovernanceSection.breakGlass(source, key, rt.breakGlass(), rules, singleStage);
              if (problems.size() > before) {
                return null;
              }
              return new TargetConfig(
                  name,
                  type,
                  hp[0],
                  Integer.parseInt(hp[1]),
                  rt.description() == null ? "" : rt.description(),
                  durations[0],
                  durations[1],
                  reviewers,
                  approvals,
                  onNone,
                  pendingTimeout,
                  task,
                  breakGlass,
                  rules,
                  section,
                  via);
            });
    return target;
  }

  private EntitlementConfig entitlement(
      int i, RawEntitlement re, Map<String, Integer> seen, Map<String, String> covered)
      throws ConfigException {
    String key = "entitlements[" + i + "]";
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
    String subject = re.principal() != null ? "principal " + re.principal() : "group " + re.group();
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
    return new EntitlementConfig(
        Optional.ofNullable(re.principal()),
        Optional.ofNullable(re.group()),
        List.copyOf(ts),
        duration(key + ".maxDuration", re.maxDuration(), DEFAULT_TARGET_MAX),
        reviewedBy,
        reviewedAt,
        reviewExpiresAt);
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
      // The auditor of README's tour: members of "auditors" export the whole trail.
      users.add(new DevUserConfig("audrey", "audrey@example.test", List.of("auditors")));
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

  /** The agent that reaches a target ({@code via}), or null; any engine's target may have one. */
  private String via(String key, String via) throws ConfigException {
    if (via == null) {
      return null;
    }
    if (!NAME.matcher(via).matches()) {
      throw error(
          key,
          "'"
              + via
              + "' must be an agent name: lower-case letters, digits, '.', '_' or '-' (max 63)");
    }
    return via;
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

  /** Unknown keys anywhere in the file, each kept as a problem and skipped. */
  private DeserializationProblemHandler unknownKeys() {
    return new DeserializationProblemHandler() {
      @Override
      public boolean handleUnknownProperty(
          DeserializationContext ctxt,
          JsonParser p,
          JsonDeserializer<?> deserializer,
          Object beanOrClass,
          String propertyName)
          throws IOException {
        String known =
            deserializer.getKnownPropertyNames().isEmpty()
                ? ""
                : " (known keys: "
                    + deserializer.getKnownPropertyNames().stream()
                        .map(String::valueOf)
                        .sorted()
                        .collect(Collectors.joining(", "))
                    + ")";
        problems.add(
            error(ConfigProblems.key(p.getParsingContext()), "unknown key" + known).getMessage());
        p.skipChildren();
        return true;
      }
    };
  }

  /** A problem that ends the reading of the file, with the problems found before it. */
  private ConfigException fatal(String key, String message) {
    return problems.with(error(key, message).getMessage());
  }

  /** A YAML syntax error, at its line and column, with the start of what it interrupted. */
  private ConfigException syntax(JacksonException e) {
    Throwable cause = e.getCause();
    String what = firstLine(e);
    String line = "";
    if (cause instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
      what = m.getProblem();
      if (m.getContext() != null && m.getContextMark() != null) {
        what +=
            " ("
                + m.getContext()
                + " that starts at line "
                + (m.getContextMark().getLine() + 1)
                + ", column "
                + (m.getContextMark().getColumn() + 1)
                + ")";
      }
      if (m.getProblemMark() != null) {
        line =
            ":" + (m.getProblemMark().getLine() + 1) + ":" + (m.getProblemMark().getColumn() + 1);
      }
    } else if (e.getLocation() != null) {
      line = ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
    }
    String problem = source + ": not valid YAML: " + what;
    return problems.with(problem, source + line + ": not valid YAML: " + what);
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
      TunnelSection.RawTunnel tunnel,
      RawPostgres postgres,
      RetentionSection.RawRetention retention,
      RawDiagnostics diagnostics) {}

  /** {@code diagnostics}: the plain-HTTP listener for Prometheus and probes. */
  record RawDiagnostics(String listen) {}

  /** The broker's own {@code postgres} section (not a target's). */
  record RawPostgres(String directListen) {}

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
      String via,
      RetentionSection.RawTargetRetention retention,
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
