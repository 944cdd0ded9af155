package io.hoop.engine.postgres.config;

import io.hoop.api.Durations;
import io.hoop.detect.BuiltinDetector;
import io.hoop.detect.Detector;
import io.hoop.detect.PatternDetector;
import io.hoop.detect.Validator;
import io.hoop.engine.postgres.engine.Secret;
import io.hoop.engine.postgres.engine.UpstreamTls;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.UnknownLineage;
import io.hoop.tunnel.engine.TargetKind.SectionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates a target's {@code engine} key and {@code postgres} section into a {@link
 * PostgresTarget}: roles with their password files (owner-only), guardrails per role, masking
 * rules. Errors name the key, e.g. {@code targets[0].postgres.roles.readonly.passwordFile}.
 */
final class PostgresTargetSection {
  private static final Pattern ROLE = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
  private static final Pattern COLUMN_GLOB = Pattern.compile("^[^.\\s]+\\.[^.\\s]+\\.[^.\\s]+$");
  private static final int MAX_PASSWORD_FILE = 4096;
  private static final Duration MIN_HOLD = Duration.ofSeconds(5);
  private static final Duration MAX_HOLD = Duration.ofHours(24);
  private static final Map<String, Detector> DETECTOR_ALIASES =
      Map.of(
          "card",
          BuiltinDetector.PAYMENT_CARD,
          "access-key",
          BuiltinDetector.AWS_ACCESS_KEY,
          "ssn",
          BuiltinDetector.US_SSN);

  /** Configured detectors per target, so a typo cannot add thousands of regexes. */
  private static final int MAX_CUSTOM_DETECTORS = 64;

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PostgresTargetSection() {}

  /** The raw {@code postgres} section, bound by Jackson. */
  record RawPostgres(
      String database,
      RawTls tls,
      String defaultRole,
      Map<String, RawRole> roles,
      Map<String, RawGuardrails> guardrails,
      RawMasking masking) {}

  record RawTls(String mode, String caFile) {}

  record RawRole(String user, String passwordFile) {}

  record RawGuardrails(
      List<String> denyStatements,
      List<String> denyFunctions,
      List<String> denyObjects,
      Boolean requireWhere,
      List<String> reviewStatements,
      List<String> reviewFunctions,
      List<String> reviewObjects,
      String holdTimeout) {}

  record RawMasking(
      List<RawColumn> columns,
      List<String> detectors,
      String detectorStyle,
      List<RawCustomDetector> customDetectors,
      String onUnknownLineage) {}

  record RawCustomDetector(String name, String pattern, String validator, String style) {}

  record RawColumn(String column, String style) {}

  /**
   * Validates {@code key}'s engine and postgres section.
   *
   * @return the section, or null when the target is relayed byte for byte without one
   */
  static PostgresTarget parse(String key, String engine, RawPostgres raw) throws SectionException {
    return new PostgresTargetSection().target(key, engine, raw);
  }

  private PostgresTarget target(String key, String engine, RawPostgres raw)
      throws SectionException {
    if (engine != null && !engine.equals("tcp") && !engine.equals(PostgresTarget.ENGINE)) {
      throw error(key + ".engine", "'" + engine + "' is not an engine; expected postgres or tcp");
    }
    if (raw == null) {
      if (PostgresTarget.ENGINE.equals(engine)) {
        throw error(
            key + ".postgres",
            "missing: the postgres engine needs postgres.roles (user and passwordFile per role)");
      }
      return null;
    }
    String k = key + ".postgres";
    Map<String, PostgresTarget.Role> roles = roles(k + ".roles", raw.roles());
    String defaultRole = raw.defaultRole();
    if (defaultRole == null) {
      if (roles.size() != 1) {
        throw error(k + ".defaultRole", "missing: name the role used when a grant names none");
      }
      defaultRole = roles.keySet().iterator().next();
    } else if (!roles.containsKey(defaultRole)) {
      throw error(
          k + ".defaultRole",
          "'" + defaultRole + "' is not one of the roles " + new TreeSet<>(roles.keySet()));
    }
    String database = raw.database() == null ? "postgres" : raw.database();
    if (database.isBlank()) {
      throw error(k + ".database", "is empty; expected a database name");
    }
    return new PostgresTarget(
        engine == null ? PostgresTarget.ENGINE : engine,
        database,
        tls(k + ".tls", raw.tls()),
        defaultRole,
        roles,
        guardrails(k + ".guardrails", raw.guardrails(), roles.keySet()),
        masking(k + ".masking", raw.masking()));
  }

  private Map<String, PostgresTarget.Role> roles(String key, Map<String, RawRole> raw)
      throws SectionException {
    if (raw == null || raw.isEmpty()) {
      throw error(
          key, "missing: at least one role, e.g. readonly: {user: app_ro, passwordFile: ...}");
    }
    Map<String, PostgresTarget.Role> out = new LinkedHashMap<>();
    for (Map.Entry<String, RawRole> e : raw.entrySet()) {
      String rk = key + "." + e.getKey();
      if (!ROLE.matcher(e.getKey()).matches()) {
        throw error(rk, "role name must be lower-case letters, digits, '.', '_' or '-' (max 63)");
      }
      RawRole r = e.getValue();
      if (r == null) {
        throw error(rk, "empty entry; expected {user, passwordFile}");
      }
      if (r.user() == null || r.user().isBlank()) {
        throw error(rk + ".user", "missing: the PostgreSQL role the broker logs in as");
      }
      if (r.passwordFile() == null || r.passwordFile().isBlank()) {
        throw error(rk + ".passwordFile", "missing: a file (mode 0600) holding the password");
      }
      out.put(e.getKey(), new PostgresTarget.Role(r.user(), password(rk + ".passwordFile", r)));
    }
    return out;
  }

  private Secret password(String key, RawRole r) throws SectionException {
    Path p = Path.of(r.passwordFile());
    try {
      if (!Files.isRegularFile(p)) {
        throw error(key, p + " is not a readable file");
      }
      if (Files.size(p) > MAX_PASSWORD_FILE) {
        throw error(
            key, p + " is larger than " + MAX_PASSWORD_FILE + " bytes; expected a password");
      }
      if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        perms.retainAll(GROUP_OR_OTHERS);
        if (!perms.isEmpty()) {
          throw error(key, p + " is accessible by group or others; chmod 600 it");
        }
      }
      String pw = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (pw.isEmpty()) {
        throw error(key, p + " is empty; expected the password on its first line");
      }
      if (pw.contains("\n")) {
        throw error(key, p + " has more than one line; expected only the password");
      }
      return Secret.of(pw);
    } catch (IOException e) {
      throw error(key, "cannot read " + p + ": " + e.getClass().getSimpleName());
    }
  }

  private UpstreamTls tls(String key, RawTls raw) throws SectionException {
    if (raw == null || raw.mode() == null) {
      if (raw != null && raw.caFile() != null) {
        throw error(key + ".mode", "missing: caFile is only used with mode verify-full");
      }
      return UpstreamTls.disabled();
    }
    UpstreamTls.Mode mode =
        switch (raw.mode()) {
          case "disable" -> UpstreamTls.Mode.DISABLE;
          case "require" -> UpstreamTls.Mode.REQUIRE;
          case "verify-full" -> UpstreamTls.Mode.VERIFY_FULL;
          default ->
              throw error(
                  key + ".mode",
                  "'"
                      + raw.mode()
                      + "' is not a TLS mode; expected disable, require or verify-full");
        };
    if (mode != UpstreamTls.Mode.VERIFY_FULL) {
      if (raw.caFile() != null) {
        throw error(key + ".caFile", "only used with mode verify-full");
      }
      return new UpstreamTls(mode, null);
    }
    if (raw.caFile() == null || raw.caFile().isBlank()) {
      throw error(key + ".caFile", "missing: verify-full needs the PEM file of trusted CAs");
    }
    Path ca = Path.of(raw.caFile());
    if (!Files.isRegularFile(ca) || !Files.isReadable(ca)) {
      throw error(key + ".caFile", ca + " is not a readable file");
    }
    return new UpstreamTls(mode, ca);
  }

  private Map<String, Rules> guardrails(
      String key, Map<String, RawGuardrails> raw, Set<String> roles) throws SectionException {
    Map<String, Rules> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (Map.Entry<String, RawGuardrails> e : raw.entrySet()) {
      String gk = key + "." + e.getKey();
      if (!e.getKey().equals(PostgresTarget.DEFAULT_RULES) && !roles.contains(e.getKey())) {
        throw error(
            gk,
            "'"
                + e.getKey()
                + "' is neither 'default' nor one of the roles "
                + new TreeSet<>(roles));
      }
      RawGuardrails g = e.getValue();
      if (g == null) {
        out.put(e.getKey(), Rules.none());
        continue;
      }
      out.put(
          e.getKey(),
          new Rules(
              Set.copyOf(
                  rules(gk + ".denyStatements", g.denyStatements(), Rules::statementProblem)),
              Set.copyOf(rules(gk + ".denyFunctions", g.denyFunctions(), Rules::functionProblem)),
              rules(gk + ".denyObjects", g.denyObjects(), Rules::objectProblem),
              g.requireWhere() != null && g.requireWhere(),
              Set.copyOf(
                  rules(gk + ".reviewStatements", g.reviewStatements(), Rules::statementProblem)),
              Set.copyOf(
                  rules(gk + ".reviewFunctions", g.reviewFunctions(), Rules::functionProblem)),
              rules(gk + ".reviewObjects", g.reviewObjects(), Rules::objectProblem),
              holdTimeout(gk + ".holdTimeout", g.holdTimeout())));
    }
    return out;
  }

  /** Rule entries, each checked to be one the matcher can match; errors name the entry's key. */
  private List<String> rules(String key, List<String> raw, UnaryOperator<String> problem)
      throws SectionException {
    List<String> out = words(key, raw);
    for (int i = 0; i < out.size(); i++) {
      String why = problem.apply(out.get(i));
      if (why != null) {
        throw error(key + "[" + i + "]", why);
      }
    }
    return out;
  }

  private Duration holdTimeout(String key, String raw) throws SectionException {
    if (raw == null) {
      return Rules.DEFAULT_HOLD_TIMEOUT;
    }
    Duration d;
    try {
      d = Durations.parse(raw);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
    if (d.compareTo(MIN_HOLD) < 0 || d.compareTo(MAX_HOLD) > 0) {
      throw error(key, "'" + raw + "' is out of range; expected 5s to 24h");
    }
    return d;
  }

  private List<String> words(String key, List<String> raw) throws SectionException {
    if (raw == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String v = raw.get(i);
      if (v == null || v.isBlank()) {
        throw error(key + "[" + i + "]", "empty entry");
      }
      out.add(v);
    }
    return out;
  }

  private PostgresTarget.Masking masking(String key, RawMasking raw) throws SectionException {
    if (raw == null) {
      return null;
    }
    List<MaskRule> columns = new ArrayList<>();
    List<RawColumn> rawColumns = raw.columns() == null ? List.of() : raw.columns();
    for (int i = 0; i < rawColumns.size(); i++) {
      String ck = key + ".columns[" + i + "]";
      RawColumn c = rawColumns.get(i);
      if (c == null || c.column() == null) {
        throw error(ck + ".column", "missing: schema.table.column, globs allowed (*.*.ssn)");
      }
      if (!COLUMN_GLOB.matcher(c.column()).matches()) {
        throw error(
            ck + ".column",
            "'" + c.column() + "' is not schema.table.column (globs allowed, e.g. *.*.ssn)");
      }
      columns.add(new MaskRule(c.column(), style(ck + ".style", c.style())));
    }
    Set<Detector> detectors = new LinkedHashSet<>();
    List<String> rawDetectors = raw.detectors() == null ? List.of() : raw.detectors();
    for (int i = 0; i < rawDetectors.size(); i++) {
      detectors.add(detector(key + ".detectors[" + i + "]", rawDetectors.get(i)));
    }
    Map<String, MaskStyle> styles = new LinkedHashMap<>();
    List<RawCustomDetector> custom =
        raw.customDetectors() == null ? List.of() : raw.customDetectors();
    if (custom.size() > MAX_CUSTOM_DETECTORS) {
      throw error(
          key + ".customDetectors",
          custom.size() + " detectors, expected at most " + MAX_CUSTOM_DETECTORS);
    }
    for (int i = 0; i < custom.size(); i++) {
      String ck = key + ".customDetectors[" + i + "]";
      RawCustomDetector c = custom.get(i);
      if (c == null || c.name() == null) {
        throw error(ck + ".name", "missing: a name for the detector, e.g. employee-id");
      }
      if (c.pattern() == null) {
        throw error(ck + ".pattern", "missing: an RE2 regular expression");
      }
      Validator validator = c.validator() == null ? Validator.NONE : Validator.byId(c.validator());
      if (validator == null) {
        throw error(
            ck + ".validator",
            "'" + c.validator() + "' is not a validator; expected luhn, mod97 or none");
      }
      if (styles.containsKey(c.name())) {
        throw error(ck + ".name", "'" + c.name() + "' names two custom detectors");
      }
      PatternDetector detector;
      try {
        detector = PatternDetector.compile(c.name(), c.pattern(), validator);
      } catch (IllegalArgumentException e) {
        throw error(
            ck + (e.getMessage().startsWith("name") ? ".name" : ".pattern"), e.getMessage());
      }
      detectors.add(detector);
      styles.put(c.name(), style(ck + ".style", c.style()));
    }
    return new PostgresTarget.Masking(
        columns,
        detectors,
        style(key + ".detectorStyle", raw.detectorStyle()),
        styles,
        unknownLineage(key + ".onUnknownLineage", raw.onUnknownLineage()));
  }

  private static UnknownLineage unknownLineage(String key, String raw) throws SectionException {
    if (raw == null || raw.equals("redact")) {
      return UnknownLineage.REDACT;
    }
    if (raw.equals("refuse")) {
      return UnknownLineage.REFUSE;
    }
    throw error(key, "'" + raw + "' is not a choice; expected redact or refuse");
  }

  private MaskStyle style(String key, String raw) throws SectionException {
    if (raw == null) {
      return MaskStyle.REDACT;
    }
    for (MaskStyle s : MaskStyle.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(raw)) {
        return s;
      }
    }
    throw error(key, "'" + raw + "' is not a masking style; expected redact, partial or token");
  }

  /**
   * Config names are the enum's in kebab case, plus the short {@code card} and {@code access-key}.
   */
  private Detector detector(String key, String raw) throws SectionException {
    if (raw != null) {
      Detector alias = DETECTOR_ALIASES.get(raw);
      if (alias != null) {
        return alias;
      }
      Detector builtin = BuiltinDetector.byId(raw);
      if (builtin != null) {
        return builtin;
      }
    }
    TreeSet<String> known =
        Arrays.stream(BuiltinDetector.values())
            .map(BuiltinDetector::id)
            .collect(Collectors.toCollection(TreeSet::new));
    known.addAll(DETECTOR_ALIASES.keySet());
    throw error(key, "'" + raw + "' is not a detector; expected one of " + known);
  }

  private static SectionException error(String key, String message) {
    return new SectionException(key + ": " + message);
  }
}
