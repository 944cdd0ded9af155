package io.hoop.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The governance keys beyond reviewers and approvals: the top-level {@code jira} connection, and on
 * each target the Jira task check ({@code task.jira}, {@code task.onUnavailable}), approval {@code
 * stages} and {@code breakGlass}.
 */
public final class GovernanceSection {
  static final Duration DEFAULT_JIRA_TIMEOUT = Duration.ofSeconds(3);
  static final Duration MAX_JIRA_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_BREAK_GLASS = Duration.ofHours(1);

  /** How long an operation held for review waits for a reviewer unless the target says. */
  public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofMinutes(5);

  static final Duration MIN_HOLD_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_HOLD_TIMEOUT = Duration.ofHours(1);
  private static final int MAX_TOKEN_BYTES = 8192;
  private static final int MAX_STAGES = 5;

  private GovernanceSection() {}

  /**
   * How the broker reaches Jira.
   *
   * @param baseUrl e.g. {@code https://acme.atlassian.net}, without a trailing slash
   * @param tokenFile where the API token was read from (0600)
   * @param user with a user, the token is sent as HTTP basic {@code user:token} (Jira Cloud);
   *     without one, as {@code Bearer token} (Jira Data Center personal access tokens)
   * @param timeout connect plus response budget of one Jira call
   * @param token the API token (secret: never printed)
   */
  public record Jira(
      URI baseUrl, Path tokenFile, Optional<String> user, Duration timeout, String token) {
    @Override
    public String toString() {
      return "Jira[baseUrl=" + baseUrl + ", user=" + user.orElse("") + ", token=<redacted>]";
    }
  }

  /** What a target does when Jira cannot answer a task check: never a silent grant. */
  public enum OnUnavailable {
    /** The request is denied, naming the Jira failure. */
    DENY,
    /** The request goes to the target's reviewers, naming the Jira failure. */
    REVIEW
  }

  /**
   * The Jira check of a target's task ids.
   *
   * @param statuses issue status names that allow access (compared ignoring case)
   * @param assignedToRequester whether the issue must be assigned to the requester
   */
  public record JiraCheck(List<String> statuses, boolean assignedToRequester) {
    public JiraCheck {
      statuses = List.copyOf(statuses);
    }
  }

  /**
   * One approval stage: {@code approvals} distinct people from {@code groups}.
   *
   * @param groups groups whose members approve in this stage
   * @param approvals distinct approvers the stage needs
   */
  public record Stage(List<String> groups, int approvals) {
    public Stage {
      groups = List.copyOf(groups);
    }
  }

  /**
   * A target's governance settings.
   *
   * @param jira the Jira check of task ids; empty means the task pattern alone decides
   * @param onTaskCheckUnavailable what a request gets when Jira cannot answer
   * @param stages approval stages in order; empty means the single stage {@code reviewers} x {@code
   *     approvals}
   * @param breakGlassMaxDuration the longest break-glass grant (when the target allows it)
   */
  public record TargetRules(
      Optional<JiraCheck> jira,
      OnUnavailable onTaskCheckUnavailable,
      List<Stage> stages,
      Duration breakGlassMaxDuration,
      Duration holdTimeout) {
    /** No Jira check, single stage, break-glass grants of at most one hour, holds wait 5m. */
    public static final TargetRules DEFAULTS =
        new TargetRules(
            Optional.empty(),
            OnUnavailable.DENY,
            List.of(),
            DEFAULT_BREAK_GLASS,
            DEFAULT_HOLD_TIMEOUT);

    public TargetRules {
      stages = List.copyOf(stages);
    }

    /** The same rules with another hold timeout. */
    public TargetRules withHoldTimeout(Duration timeout) {
      return new TargetRules(jira, onTaskCheckUnavailable, stages, breakGlassMaxDuration, timeout);
    }
  }

  /** The top-level {@code jira} section as written. */
  record RawJira(String baseUrl, String tokenFile, String user, String timeout) {}

  /** A target's {@code task} key as written. */
  record RawTask(String pattern, RawJiraCheck jira, String onUnavailable) {}

  /** A target's {@code task.jira} key as written. */
  record RawJiraCheck(List<String> statuses, Boolean assignedToRequester) {}

  /** One entry of a target's {@code stages} as written. */
  record RawStage(List<String> groups, Integer approvals) {}

  static Optional<Jira> jira(String source, RawJira raw) throws ConfigException {
    if (raw == null) {
      return Optional.empty();
    }
    if (raw.baseUrl() == null) {
      throw error(source, "jira.baseUrl", "missing; expected e.g. https://acme.atlassian.net");
    }
    URI url;
    try {
      url = new URI(raw.baseUrl().replaceAll("/+$", ""));
    } catch (URISyntaxException e) {
      throw error(source, "jira.baseUrl", "'" + raw.baseUrl() + "' is not a URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null) {
      throw error(
          source,
          "jira.baseUrl",
          "'"
              + raw.baseUrl()
              + "' must be an http(s) URL with a host, e.g. https://acme.atlassian.net");
    }
    if (scheme.equals("http")
        && !(url.getHost().equals("localhost") || url.getHost().startsWith("127."))) {
      // The token travels in every request: plain HTTP only to a loopback proxy or test server.
      throw error(
          source,
          "jira.baseUrl",
          "'" + raw.baseUrl() + "' must use https (http only for localhost)");
    }
    if (raw.tokenFile() == null) {
      throw error(source, "jira.tokenFile", "missing; expected a 0600 file holding the API token");
    }
    Path file = Path.of(raw.tokenFile());
    String token = token(source, file);
    if (raw.user() != null && raw.user().isBlank()) {
      throw error(source, "jira.user", "empty; leave it out to send the token as a bearer token");
    }
    Duration timeout = DEFAULT_JIRA_TIMEOUT;
    if (raw.timeout() != null) {
      try {
        timeout = Durations.parse(raw.timeout());
      } catch (IllegalArgumentException e) {
        throw error(source, "jira.timeout", e.getMessage());
      }
      if (timeout.isZero() || timeout.compareTo(MAX_JIRA_TIMEOUT) > 0) {
        throw error(source, "jira.timeout", raw.timeout() + " is out of range; expected 1s-30s");
      }
    }
    return Optional.of(new Jira(url, file, Optional.ofNullable(raw.user()), timeout, token));
  }

  private static String token(String source, Path file) throws ConfigException {
    String text;
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw error(
              source,
              "jira.tokenFile",
              file
                  + " is readable by group or others; expected mode 0600 (chmod 600 "
                  + file
                  + ")");
        }
      }
      if (Files.size(file) > MAX_TOKEN_BYTES) {
        throw error(
            source, "jira.tokenFile", file + " is larger than " + MAX_TOKEN_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw error(
          source,
          "jira.tokenFile",
          "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    if (text.isEmpty()) {
      throw error(source, "jira.tokenFile", file + " is empty; expected the Jira API token");
    }
    return text;
  }

  /** The task pattern of a target's {@code task} key (null when absent). */
  static String pattern(RawTask raw) {
    return raw == null ? null : raw.pattern();
  }

  /**
   * A target's rules.
   *
   * @param key the target's key, e.g. {@code targets[2]}
   * @param reviewers the target's single-stage reviewers (empty when it uses stages or has none)
   * @param hasJira whether the top-level {@code jira} section exists
   */
  static TargetRules target(
      String source,
      String key,
      RawTask task,
      List<RawStage> stages,
      JsonNode breakGlass,
      List<String> reviewers,
      boolean hasJira)
      throws ConfigException {
    Optional<JiraCheck> jira = Optional.empty();
    OnUnavailable onUnavailable = OnUnavailable.DENY;
    if (task != null && task.jira() != null) {
      if (!hasJira) {
        throw error(
            source,
            key + ".task.jira",
            "needs the top-level jira section (baseUrl, tokenFile) to reach Jira");
      }
      List<String> statuses = task.jira().statuses();
      if (statuses == null || statuses.isEmpty()) {
        throw error(
            source, key + ".task.jira.statuses", "missing; list the statuses that allow access");
      }
      for (int i = 0; i < statuses.size(); i++) {
        if (statuses.get(i) == null || statuses.get(i).isBlank()) {
          throw error(source, key + ".task.jira.statuses[" + i + "]", "empty status name");
        }
      }
      jira =
          Optional.of(
              new JiraCheck(
                  statuses,
                  task.jira().assignedToRequester() == null || task.jira().assignedToRequester()));
    }
    List<Stage> parsedStages = stages(source, key, stages, reviewers);
    if (task != null && task.onUnavailable() != null) {
      String v = task.onUnavailable();
      if (v.equals("review")) {
        if (reviewers.isEmpty() && parsedStages.isEmpty()) {
          throw error(
              source,
              key + ".task.onUnavailable",
              "'review' needs reviewers: list the groups that approve requests in "
                  + key
                  + ".reviewers");
        }
        onUnavailable = OnUnavailable.REVIEW;
      } else if (!v.equals("deny")) {
        throw error(
            source,
            key + ".task.onUnavailable",
            "'" + v + "' is not allowed; expected deny or review");
      }
    }
    return new TargetRules(
        jira,
        onUnavailable,
        parsedStages,
        breakGlassMax(source, key, breakGlass),
        DEFAULT_HOLD_TIMEOUT);
  }

  /**
   * A target's {@code holdTimeout}: how long an operation held for review waits for a reviewer
   * (default 5m, between 10s and 1h; never past the grant's expiry).
   */
  static Duration holdTimeout(String source, String key, String value) throws ConfigException {
    if (value == null) {
      return DEFAULT_HOLD_TIMEOUT;
    }
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw error(source, key, e.getMessage());
    }
    if (d.compareTo(MIN_HOLD_TIMEOUT) < 0 || d.compareTo(MAX_HOLD_TIMEOUT) > 0) {
      throw error(
          source,
          key,
          "'" + value + "' is out of range; a held operation waits between 10s and 1h");
    }
    return d;
  }

  /**
   * Whether {@code breakGlass} allows break-glass grants (true, or a mapping); refused on a target
   * without reviewers, since nobody could give the after-the-fact review.
   */
  static boolean breakGlass(
      String source, String key, JsonNode node, TargetRules rules, List<String> reviewers)
      throws ConfigException {
    boolean allowed = node != null && (node.isObject() || node.asBoolean(false));
    if (allowed && reviewers.isEmpty() && rules.stages().isEmpty()) {
      throw error(
          source,
          key + ".breakGlass",
          "needs reviewers: break-glass grants are reviewed afterwards by the groups in "
              + key
              + ".reviewers");
    }
    return allowed;
  }

  private static Duration breakGlassMax(String source, String key, JsonNode node)
      throws ConfigException {
    if (node == null || node.isNull() || node.isBoolean()) {
      return DEFAULT_BREAK_GLASS;
    }
    String expected = "expected true, false or {maxDuration: 1h}";
    if (!node.isObject()) {
      throw error(source, key + ".breakGlass", "invalid value; " + expected);
    }
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("maxDuration")) {
        throw error(source, key + ".breakGlass." + f, "unknown key (known keys: maxDuration)");
      }
    }
    JsonNode max = node.get("maxDuration");
    if (max == null) {
      return DEFAULT_BREAK_GLASS;
    }
    try {
      Duration d = Durations.parse(max.asText());
      if (d.isZero() || d.isNegative()) {
        throw error(source, key + ".breakGlass.maxDuration", "must be longer than 0s");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw error(source, key + ".breakGlass.maxDuration", e.getMessage());
    }
  }

  private static List<Stage> stages(
      String source, String key, List<RawStage> raw, List<String> reviewers)
      throws ConfigException {
    if (raw == null) {
      return List.of();
    }
    if (!reviewers.isEmpty()) {
      throw error(
          source,
          key + ".stages",
          "use either reviewers/approvals (one stage) or stages, not both");
    }
    if (raw.isEmpty() || raw.size() > MAX_STAGES) {
      throw error(source, key + ".stages", "expected 1-" + MAX_STAGES + " stages");
    }
    List<Stage> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String k = key + ".stages[" + i + "]";
      RawStage s = raw.get(i);
      if (s == null || s.groups() == null || s.groups().isEmpty()) {
        throw error(source, k + ".groups", "missing; list the groups that approve in this stage");
      }
      Set<String> groups = new LinkedHashSet<>();
      for (int j = 0; j < s.groups().size(); j++) {
        String g = s.groups().get(j);
        if (g == null || g.isBlank() || !groups.add(g)) {
          throw error(source, k + ".groups[" + j + "]", "empty or duplicate group name");
        }
      }
      int n = s.approvals() == null ? 1 : s.approvals();
      if (n < 1 || n > 20) {
        throw error(source, k + ".approvals", n + " is out of range; expected 1-20");
      }
      out.add(new Stage(List.copyOf(groups), n));
    }
    return out;
  }

  private static ConfigException error(String source, String key, String message) {
    return new ConfigException(source + ": " + key + ": " + message);
  }
}
