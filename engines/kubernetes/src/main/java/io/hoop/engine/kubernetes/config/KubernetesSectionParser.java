package io.hoop.engine.kubernetes.config;

import static io.hoop.tunnel.engine.SectionValues.describe;
import static io.hoop.tunnel.engine.SectionValues.error;
import static io.hoop.tunnel.engine.SectionValues.keys;
import static io.hoop.tunnel.engine.SectionValues.list;
import static io.hoop.tunnel.engine.SectionValues.map;

import io.hoop.engine.http.config.ContentDetectors;
import io.hoop.engine.kubernetes.policy.KubePolicy;
import io.hoop.engine.kubernetes.policy.KubeRule;
import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.ExecPolicy;
import io.hoop.engine.ssh.policy.ExecRule;
import io.hoop.engine.ssh.policy.Glob;
import io.hoop.tunnel.engine.TargetKind.SectionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a target's raw {@code kubernetes} section. Errors name the key, e.g. {@code
 * targets[3].kubernetes.roles.viewer.tokenFile}; unknown keys are errors. Defaults that matter: a
 * role's {@code default} is {@code deny} (a request no rule allows is refused), and Secret values
 * are masked unless the role says {@code maskSecrets: false}.
 */
final class KubernetesSectionParser {
  private static final Pattern ROLE = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
  private static final Pattern SERVER_NAME =
      Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$");
  private static final int MAX_FILE = 64 * 1024;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<String> SECTION_KEYS =
      Set.of(
          "caFile",
          "serverName",
          "roles",
          "defaultRole",
          "rules",
          "detectors",
          "customDetectors",
          "detectorStyle");
  private static final Set<String> ROLE_KEYS =
      Set.of(
          "tokenFile",
          "clientCertFile",
          "clientKeyFile",
          "default",
          "rules",
          "exec",
          "maskSecrets");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "action", "verbs", "apiGroups", "resources", "namespaces", "names", "paths", "message");
  private static final Set<String> VERBS =
      Set.of(
          "*",
          "get",
          "list",
          "watch",
          "create",
          "update",
          "patch",
          "delete",
          "deletecollection",
          "proxy");

  private KubernetesSectionParser() {}

  static KubernetesSection parse(String key, Object raw) throws SectionException {
    String k = key + ".kubernetes";
    Map<String, Object> section = map(k, raw);
    if (section == null) {
      throw error(k, "missing: the kubernetes engine needs caFile and roles");
    }
    keys(k, section, SECTION_KEYS);
    Path ca = caFile(k + ".caFile", string(k + ".caFile", section.get("caFile")));
    String serverName = string(k + ".serverName", section.get("serverName"));
    if (serverName != null && !SERVER_NAME.matcher(serverName).matches()) {
      throw error(k + ".serverName", "'" + serverName + "' is not a DNS name");
    }
    List<KubeRule> shared = rules(k + ".rules", section.get("rules"));
    Map<String, Object> rawRoles = map(k + ".roles", section.get("roles"));
    if (rawRoles == null || rawRoles.isEmpty()) {
      throw error(k + ".roles", "missing: at least one role, e.g. viewer: {tokenFile: ...}");
    }
    Map<String, KubeRole> roles = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : rawRoles.entrySet()) {
      roles.put(e.getKey(), role(k + ".roles." + e.getKey(), e.getKey(), e.getValue(), shared));
    }
    String defaultRole = string(k + ".defaultRole", section.get("defaultRole"));
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
    return new KubernetesSection(
        ca, serverName, roles, defaultRole, ContentDetectors.parse(k, section));
  }

  private static KubeRole role(String rk, String name, Object raw, List<KubeRule> shared)
      throws SectionException {
    if (!ROLE.matcher(name).matches()) {
      throw error(rk, "role name must be lower-case letters, digits, '.', '_' or '-' (max 63)");
    }
    Map<String, Object> r = map(rk, raw);
    if (r == null) {
      throw error(rk, "empty entry; expected {tokenFile or clientCertFile and clientKeyFile}");
    }
    keys(rk, r, ROLE_KEYS);
    KubeCredential credential = credential(rk, r);
    Action def =
        r.get("default") == null
            ? Action.DENY
            : action(rk + ".default", r.get("default"), false, "allow or deny");
    List<KubeRule> rules = new ArrayList<>(shared);
    rules.addAll(rules(rk + ".rules", r.get("rules")));
    ExecPolicy exec = exec(rk + ".exec", r.get("exec"));
    Object m = r.get("maskSecrets");
    if (m != null && !(m instanceof Boolean)) {
      throw error(rk + ".maskSecrets", "'" + m + "' is not true or false");
    }
    return new KubeRole(
        name, credential, new KubePolicy(rules, def, exec), m == null || (Boolean) m);
  }

  private static KubeCredential credential(String rk, Map<String, Object> r)
      throws SectionException {
    String token = string(rk + ".tokenFile", r.get("tokenFile"));
    String cert = string(rk + ".clientCertFile", r.get("clientCertFile"));
    String key = string(rk + ".clientKeyFile", r.get("clientKeyFile"));
    if (token != null && (cert != null || key != null)) {
      throw error(rk, "has tokenFile and a client certificate; expected exactly one credential");
    }
    if (token != null) {
      Path p = secretFile(rk + ".tokenFile", token);
      String t = read(rk + ".tokenFile", p).strip();
      if (t.isEmpty() || t.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
        throw error(rk + ".tokenFile", p + " must hold the token on its only line");
      }
      return new KubeCredential.TokenFile(p);
    }
    if (cert == null || key == null) {
      throw error(
          cert == null ? rk + ".clientCertFile" : rk + ".clientKeyFile",
          cert == null && key == null
              ? "missing: tokenFile, or clientCertFile and clientKeyFile"
              : "missing: a client certificate needs both clientCertFile and clientKeyFile");
    }
    Path c = Path.of(cert);
    certificates(rk + ".clientCertFile", c);
    Path kp = secretFile(rk + ".clientKeyFile", key);
    String head = read(rk + ".clientKeyFile", kp).stripLeading();
    if (!head.startsWith("-----BEGIN ") || !head.contains("PRIVATE KEY-----")) {
      throw error(rk + ".clientKeyFile", kp + " is not a PEM private key");
    }
    return new KubeCredential.ClientCertificate(c, kp);
  }

  private static Path caFile(String key, String name) throws SectionException {
    if (name == null) {
      throw error(
          key,
          "missing: the PEM CA certificate(s) that sign the API server's certificate (the"
              + " certificate-authority-data of its kubeconfig); the server is never trusted"
              + " unverified");
    }
    Path p = Path.of(name);
    certificates(key, p);
    return p;
  }

  private static void certificates(String key, Path p) throws SectionException {
    try {
      if (!Files.isRegularFile(p) || Files.size(p) > MAX_FILE) {
        throw error(key, p + " is not a readable file of at most " + MAX_FILE + " bytes");
      }
      try (InputStream in = Files.newInputStream(p)) {
        if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
          throw error(key, p + " holds no PEM certificate");
        }
      }
    } catch (IOException | CertificateException e) {
      throw error(key, p + " is not a PEM certificate file: " + e.getClass().getSimpleName());
    }
  }

  /** A regular file, at most 64 KiB, mode 0600 or 0400, owned by the broker's user. */
  private static Path secretFile(String key, String name) throws SectionException {
    Path p = Path.of(name);
    try {
      if (!Files.isRegularFile(p)) {
        throw error(key, p + " is not a readable file");
      }
      if (Files.size(p) > MAX_FILE) {
        throw error(key, p + " is larger than " + MAX_FILE + " bytes");
      }
      if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!OWNER_ONLY.containsAll(perms) || !perms.contains(PosixFilePermission.OWNER_READ)) {
          throw error(key, p + " must be mode 0600 or 0400 (owner only); chmod 600 it");
        }
        String owner = Files.getOwner(p).getName();
        String me = System.getProperty("user.name");
        if (!owner.equals(me)) {
          throw error(key, p + " is owned by " + owner + ", not by " + me + " (the broker's user)");
        }
      }
      return p;
    } catch (IOException e) {
      throw error(key, "cannot read " + p + ": " + e.getClass().getSimpleName());
    }
  }

  private static String read(String key, Path p) throws SectionException {
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      throw error(key, "cannot read " + p + ": " + e.getClass().getSimpleName());
    }
  }

  private static List<KubeRule> rules(String key, Object raw) throws SectionException {
    List<Object> list = list(key, raw);
    List<KubeRule> out = new ArrayList<>();
    for (int i = 0; list != null && i < list.size(); i++) {
      String rk = key + "[" + i + "]";
      Map<String, Object> r = map(rk, list.get(i));
      if (r == null) {
        throw error(rk, "empty entry; expected {action, verbs, resources, namespaces, ...}");
      }
      keys(rk, r, RULE_KEYS);
      if (r.get("action") == null) {
        throw error(rk + ".action", "missing: allow, deny or review");
      }
      Action action = action(rk + ".action", r.get("action"), true, "allow, deny or review");
      Set<String> verbs = new LinkedHashSet<>(strings(rk + ".verbs", r.get("verbs")));
      for (String v : verbs) {
        if (!VERBS.contains(v)) {
          throw error(
              rk + ".verbs",
              "'" + v + "' is not an API verb; expected one of " + new TreeSet<>(VERBS));
        }
      }
      List<Glob> groups = globs(rk + ".apiGroups", r.get("apiGroups"), false);
      List<Glob> resources = globs(rk + ".resources", r.get("resources"), true);
      for (Glob g : resources) {
        if (!g.pattern().equals(g.pattern().toLowerCase(Locale.ROOT))) {
          throw error(
              rk + ".resources",
              "'" + g + "' has upper case; resources are lower-case plurals (pods, secrets)");
        }
      }
      List<Glob> namespaces = globs(rk + ".namespaces", r.get("namespaces"), false);
      List<Glob> names = globs(rk + ".names", r.get("names"), false);
      List<Glob> paths = globs(rk + ".paths", r.get("paths"), true);
      for (Glob g : paths) {
        if (!g.pattern().startsWith("/")) {
          throw error(rk + ".paths", "'" + g + "' does not start with '/'");
        }
      }
      if (!paths.isEmpty()
          && !(groups.isEmpty()
              && resources.isEmpty()
              && namespaces.isEmpty()
              && names.isEmpty())) {
        throw error(
            rk + ".paths",
            "non-resource paths cannot be combined with apiGroups, resources, namespaces or names");
      }
      String message = string(rk + ".message", r.get("message"));
      out.add(
          new KubeRule(
              rk.substring(rk.indexOf(".kubernetes.") + ".kubernetes.".length()),
              action,
              verbs,
              groups,
              resources,
              namespaces,
              names,
              paths,
              message));
    }
    return out;
  }

  private static ExecPolicy exec(String key, Object raw) throws SectionException {
    Map<String, Object> m = map(key, raw);
    if (m == null) {
      return ExecPolicy.allowAll();
    }
    keys(key, m, Set.of("default", "rules"));
    Action def =
        m.get("default") == null
            ? Action.ALLOW
            : action(key + ".default", m.get("default"), false, "allow or deny");
    List<ExecRule> rules = new ArrayList<>();
    List<Object> raws = list(key + ".rules", m.get("rules"));
    for (int i = 0; raws != null && i < raws.size(); i++) {
      String rk = key + ".rules[" + i + "]";
      Map<String, Object> rule = map(rk, raws.get(i));
      if (rule == null) {
        throw error(rk, "empty entry; expected {match, action}");
      }
      keys(rk, rule, Set.of("match", "regex", "action", "message"));
      String match = string(rk + ".match", rule.get("match"));
      String regex = string(rk + ".regex", rule.get("regex"));
      if (match == null && regex == null) {
        throw error(rk + ".match", "missing: a glob over the command, e.g. 'rm *'");
      }
      if (match != null && match.isBlank()) {
        throw error(rk + ".match", "is empty");
      }
      Pattern compiled = null;
      if (regex != null) {
        try {
          compiled = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw error(
              rk + ".regex", "'" + regex + "' is not a regular expression: " + e.getDescription());
        }
      }
      if (rule.get("action") == null) {
        throw error(rk + ".action", "missing: allow, deny or review");
      }
      rules.add(
          new ExecRule(
              "exec.rules[" + i + "]",
              match == null ? null : Glob.of(match),
              compiled,
              action(rk + ".action", rule.get("action"), true, "allow, deny or review"),
              string(rk + ".message", rule.get("message"))));
    }
    return new ExecPolicy(rules, def);
  }

  private static Action action(String key, Object raw, boolean review, String expected)
      throws SectionException {
    String s = string(key, raw);
    return switch (s) {
      case "allow" -> Action.ALLOW;
      case "deny" -> Action.DENY;
      case "review" -> {
        if (!review) {
          throw error(key, "'review' is not allowed here; expected " + expected);
        }
        yield Action.REVIEW;
      }
      default -> throw error(key, "'" + s + "' is not an action; expected " + expected);
    };
  }

  private static List<Glob> globs(String key, Object raw, boolean path) throws SectionException {
    List<Glob> out = new ArrayList<>();
    for (String s : strings(key, raw)) {
      out.add(path ? Glob.path(s) : Glob.of(s));
    }
    return out;
  }

  /** A string or a list of strings; empty when absent. */
  private static List<String> strings(String key, Object raw) throws SectionException {
    if (raw == null) {
      return List.of();
    }
    if (raw instanceof String s) {
      return List.of(s);
    }
    List<Object> l = list(key, raw);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      String s = string(key + "[" + i + "]", l.get(i));
      if (s == null) {
        throw error(key + "[" + i + "]", "empty entry");
      }
      out.add(s);
    }
    return out;
  }

  private static String string(String key, Object raw) throws SectionException {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw error(key, "expected a string, not " + describe(raw));
    }
    return s;
  }
}
