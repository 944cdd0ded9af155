package io.hoop.engine.ssh.config;

import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.ExecPolicy;
import io.hoop.engine.ssh.policy.ExecRule;
import io.hoop.engine.ssh.policy.Glob;
import io.hoop.engine.ssh.policy.SftpOperation;
import io.hoop.engine.ssh.policy.SftpPolicy;
import io.hoop.engine.ssh.policy.SftpRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a target's raw {@code ssh} section (the YAML tree as maps, lists and scalars) into an
 * {@link SshTarget}. Errors name the key, e.g. {@code targets[2].ssh.roles.admin.privateKeyFile};
 * unknown keys are errors. A role whose exec commands are guarded gets {@code shell: deny} unless
 * it says otherwise, since a shell would walk around the guardrails.
 */
public final class SshTargetSection {
  private static final Pattern ROLE = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
  private static final Pattern USER = Pattern.compile("^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}\\$?$");
  private static final Pattern FORWARD = Pattern.compile("^[^\\s:]+:[0-9*?\\[\\]-]+$");
  private static final int MAX_SECRET_FILE = 64 * 1024;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<String> SECTION_KEYS = Set.of("hostKeys", "roles", "defaultRole");
  private static final Set<String> ROLE_KEYS =
      Set.of(
          "user",
          "privateKeyFile",
          "passwordFile",
          "shell",
          "exec",
          "sftp",
          "forwarding",
          "recordInput");

  private SshTargetSection() {}

  /**
   * Validates {@code raw}, the {@code ssh} section of the target at {@code key} (e.g. {@code
   * targets[2]}) whose address is {@code host:port}.
   */
  public static SshTarget parse(String key, String host, int port, Object raw)
      throws SshConfigException {
    String k = key + ".ssh";
    Map<String, Object> section = map(k, raw);
    if (section == null) {
      throw error(k, "missing: the ssh engine needs hostKeys and roles");
    }
    keys(k, section, SECTION_KEYS);
    List<HostKey> hostKeys = hostKeys(k + ".hostKeys", section.get("hostKeys"), host, port);
    Map<String, SshRole> roles = roles(k + ".roles", section.get("roles"));
    Object d = section.get("defaultRole");
    String defaultRole;
    if (d == null) {
      if (roles.size() != 1) {
        throw error(k + ".defaultRole", "missing: name the role used when a grant names none");
      }
      defaultRole = roles.keySet().iterator().next();
    } else {
      defaultRole = string(k + ".defaultRole", d);
      if (!roles.containsKey(defaultRole)) {
        throw error(
            k + ".defaultRole",
            "'" + defaultRole + "' is not one of the roles " + new TreeSet<>(roles.keySet()));
      }
    }
    return new SshTarget(hostKeys, roles, defaultRole);
  }

  private static List<HostKey> hostKeys(String key, Object raw, String host, int port)
      throws SshConfigException {
    List<Object> lines = list(key, raw);
    if (lines == null || lines.isEmpty()) {
      throw error(
          key,
          "missing: at least one known_hosts line of the target (e.g. from ssh-keyscan); host"
              + " keys are never trusted on first use");
    }
    List<HostKey> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = string(key + "[" + i + "]", lines.get(i));
      try {
        out.add(KnownHostsParser.parse(line, i + 1));
      } catch (KnownHostsException e) {
        throw error(key + "[" + i + "]", e.getMessage());
      }
    }
    if (out.stream().noneMatch(h -> h.matches(host, port))) {
      throw error(
          key,
          "no line is for the target's address "
              + (port == 22 ? host : "[" + host + "]:" + port)
              + "; expected lines as ssh-keyscan -p "
              + port
              + " "
              + host
              + " prints them");
    }
    return out;
  }

  private static Map<String, SshRole> roles(String key, Object raw) throws SshConfigException {
    Map<String, Object> roles = map(key, raw);
    if (roles == null || roles.isEmpty()) {
      throw error(key, "missing: at least one role, e.g. ops: {user: deploy, privateKeyFile: ...}");
    }
    Map<String, SshRole> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : roles.entrySet()) {
      String rk = key + "." + e.getKey();
      if (!ROLE.matcher(e.getKey()).matches()) {
        throw error(rk, "role name must be lower-case letters, digits, '.', '_' or '-' (max 63)");
      }
      Map<String, Object> r = map(rk, e.getValue());
      if (r == null) {
        throw error(rk, "empty entry; expected {user, privateKeyFile or passwordFile}");
      }
      keys(rk, r, ROLE_KEYS);
      String user = string(rk + ".user", r.get("user"));
      if (user == null) {
        throw error(rk + ".user", "missing: the target user the broker logs in as");
      }
      if (!USER.matcher(user).matches()) {
        throw error(rk + ".user", "'" + user + "' is not a user name");
      }
      out.put(e.getKey(), new SshRole(e.getKey(), user, credential(rk, r), policy(rk, r)));
    }
    return out;
  }

  private static SshCredential credential(String rk, Map<String, Object> r)
      throws SshConfigException {
    String keyFile = string(rk + ".privateKeyFile", r.get("privateKeyFile"));
    String passwordFile = string(rk + ".passwordFile", r.get("passwordFile"));
    if ((keyFile == null) == (passwordFile == null)) {
      throw error(
          rk,
          keyFile == null
              ? "missing: privateKeyFile or passwordFile (a file of mode 0600)"
              : "has both privateKeyFile and passwordFile; expected exactly one");
    }
    if (keyFile != null) {
      Path p = secretFile(rk + ".privateKeyFile", keyFile);
      try {
        String head = Files.readString(p).stripLeading();
        if (!head.startsWith("-----BEGIN ") || !head.contains("PRIVATE KEY-----")) {
          throw error(rk + ".privateKeyFile", p + " is not an OpenSSH or PEM private key");
        }
      } catch (IOException | RuntimeException e) {
        throw error(
            rk + ".privateKeyFile", "cannot read " + p + ": " + e.getClass().getSimpleName());
      }
      return new SshCredential.PrivateKeyFile(p);
    }
    Path p = secretFile(rk + ".passwordFile", passwordFile);
    try {
      String pw = Files.readString(p).strip();
      if (pw.isEmpty() || pw.contains("\n")) {
        throw error(rk + ".passwordFile", p + " must hold the password on its only line");
      }
    } catch (IOException | RuntimeException e) {
      throw error(rk + ".passwordFile", "cannot read " + p + ": " + e.getClass().getSimpleName());
    }
    return new SshCredential.PasswordFile(p);
  }

  /** A regular file, at most 64 KiB, mode 0600 or 0400, owned by the user the broker runs as. */
  static Path secretFile(String key, String name) throws SshConfigException {
    Path p = Path.of(name);
    try {
      if (!Files.isRegularFile(p)) {
        throw error(key, p + " is not a readable file");
      }
      if (Files.size(p) > MAX_SECRET_FILE) {
        throw error(key, p + " is larger than " + MAX_SECRET_FILE + " bytes");
      }
      if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (!OWNER_ONLY.containsAll(perms) || !perms.contains(PosixFilePermission.OWNER_READ)) {
          throw error(key, p + " must be mode 0600 or 0400 (owner only); chmod 600 it");
        }
        UserPrincipal owner = Files.getOwner(p);
        String me = System.getProperty("user.name");
        if (!owner.getName().equals(me)) {
          throw error(
              key,
              p + " is owned by " + owner.getName() + ", not by " + me + " (the broker's user)");
        }
      }
      return p;
    } catch (IOException e) {
      throw error(key, "cannot read " + p + ": " + e.getClass().getSimpleName());
    }
  }

  private static SshRolePolicy policy(String rk, Map<String, Object> r) throws SshConfigException {
    ExecPolicy exec = exec(rk + ".exec", r.get("exec"));
    Object s = r.get("shell");
    Action shell =
        s == null
            ? (exec.guarded() ? Action.DENY : Action.ALLOW)
            : action(rk + ".shell", s, true, "allow, deny or review");
    Object ri = r.get("recordInput");
    boolean recordInput = false;
    if (ri != null) {
      if (!(ri instanceof Boolean b)) {
        throw error(rk + ".recordInput", "'" + ri + "' is not true or false");
      }
      recordInput = b;
    }
    return new SshRolePolicy(
        shell,
        exec,
        sftp(rk + ".sftp", r.get("sftp")),
        forwarding(rk + ".forwarding", r.get("forwarding")),
        recordInput);
  }

  private static ExecPolicy exec(String key, Object raw) throws SshConfigException {
    Map<String, Object> m = map(key, raw);
    if (m == null) {
      return ExecPolicy.allowAll();
    }
    keys(key, m, Set.of("default", "rules", "allow"));
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
      Object a = rule.get("action");
      if (a == null) {
        throw error(rk + ".action", "missing: deny, review or allow");
      }
      rules.add(
          new ExecRule(
              "exec.rules[" + i + "]",
              match == null ? null : Glob.of(commandPattern(match)),
              compiled,
              action(rk + ".action", a, true, "deny, review or allow"),
              string(rk + ".message", rule.get("message"))));
    }
    List<Object> allow = list(key + ".allow", m.get("allow"));
    for (int i = 0; allow != null && i < allow.size(); i++) {
      String ak = key + ".allow[" + i + "]";
      String match = string(ak, allow.get(i));
      if (match == null || match.isBlank()) {
        throw error(ak, "empty entry; expected a glob such as 'ls *'");
      }
      rules.add(ExecRule.of("exec.allow[" + i + "]", commandPattern(match), Action.ALLOW, null));
    }
    if (def == Action.DENY && rules.stream().noneMatch(x -> x.action() == Action.ALLOW)) {
      throw error(key + ".allow", "missing: default deny needs allow entries, e.g. ['ls *']");
    }
    return new ExecPolicy(rules, def);
  }

  /** Rules see the command word by its basename, so '/bin/rm *' means 'rm *'. */
  private static String commandPattern(String match) {
    String m = match.strip();
    int space = m.indexOf(' ');
    String first = space < 0 ? m : m.substring(0, space);
    if (first.contains("/") && !first.endsWith("/")) {
      return first.substring(first.lastIndexOf('/') + 1) + (space < 0 ? "" : m.substring(space));
    }
    return m;
  }

  private static SftpPolicy sftp(String key, Object raw) throws SshConfigException {
    Map<String, Object> m = map(key, raw);
    if (m == null) {
      return SftpPolicy.allowAll();
    }
    keys(key, m, Set.of("default", "rules"));
    Action def =
        m.get("default") == null
            ? Action.ALLOW
            : action(key + ".default", m.get("default"), false, "allow or deny");
    List<SftpRule> rules = new ArrayList<>();
    List<Object> raws = list(key + ".rules", m.get("rules"));
    for (int i = 0; raws != null && i < raws.size(); i++) {
      String rk = key + ".rules[" + i + "]";
      Map<String, Object> rule = map(rk, raws.get(i));
      if (rule == null) {
        throw error(rk, "empty entry; expected {op, path, action}");
      }
      keys(rk, rule, Set.of("op", "path", "action", "message"));
      Object ops = rule.get("op");
      Set<SftpOperation> set = EnumSet.noneOf(SftpOperation.class);
      List<Object> opList =
          ops instanceof List<?> ? list(rk + ".op", ops) : ops == null ? null : List.of(ops);
      if (opList == null || opList.isEmpty()) {
        throw error(rk + ".op", "missing: one or more of " + opNames() + ", or '*'");
      }
      for (int j = 0; j < opList.size(); j++) {
        String op = string(rk + ".op", opList.get(j));
        if ("*".equals(op)) {
          set.addAll(EnumSet.allOf(SftpOperation.class));
          continue;
        }
        SftpOperation found = null;
        for (SftpOperation o : SftpOperation.values()) {
          if (o.configName().equals(op)) {
            found = o;
          }
        }
        if (found == null) {
          throw error(rk + ".op", "'" + op + "' is not an sftp operation; expected " + opNames());
        }
        set.add(found);
      }
      String path = string(rk + ".path", rule.get("path"));
      if (path == null || !path.startsWith("/")) {
        throw error(rk + ".path", "missing or relative: an absolute path glob, e.g. /etc/**");
      }
      Object a = rule.get("action");
      if (a == null) {
        throw error(rk + ".action", "missing: deny, review or allow");
      }
      rules.add(
          new SftpRule(
              "sftp.rules[" + i + "]",
              set,
              Glob.path(path),
              action(rk + ".action", a, true, "deny, review or allow"),
              string(rk + ".message", rule.get("message"))));
    }
    return new SftpPolicy(rules, def);
  }

  private static String opNames() {
    StringBuilder b = new StringBuilder();
    for (SftpOperation o : SftpOperation.values()) {
      b.append(b.isEmpty() ? "" : ", ").append(o.configName());
    }
    return b.toString();
  }

  private static ForwardingPolicy forwarding(String key, Object raw) throws SshConfigException {
    Map<String, Object> m = map(key, raw);
    if (m == null) {
      return ForwardingPolicy.none();
    }
    keys(key, m, Set.of("local"));
    List<Object> local = list(key + ".local", m.get("local"));
    List<String> out = new ArrayList<>();
    for (int i = 0; local != null && i < local.size(); i++) {
      String v = string(key + ".local[" + i + "]", local.get(i));
      if (v == null || !FORWARD.matcher(v).matches()) {
        throw error(
            key + ".local[" + i + "]",
            "'" + v + "' is not host:port (globs allowed, e.g. db-*.internal:5432)");
      }
      out.add(v);
    }
    return new ForwardingPolicy(out);
  }

  private static Action action(String key, Object raw, boolean review, String expected)
      throws SshConfigException {
    String v = string(key, raw);
    Action a =
        switch (v == null ? "" : v.toLowerCase(Locale.ROOT)) {
          case "allow" -> Action.ALLOW;
          case "deny" -> Action.DENY;
          case "review" -> review ? Action.REVIEW : null;
          default -> null;
        };
    if (a == null) {
      throw error(key, "'" + v + "' is not an action; expected " + expected);
    }
    return a;
  }

  private static void keys(String key, Map<String, Object> m, Set<String> allowed)
      throws SshConfigException {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        throw error(key + "." + k, "unknown key; expected one of " + new TreeSet<>(allowed));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(String key, Object raw) throws SshConfigException {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw error(key, "is a " + kind(raw) + "; expected a map");
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw error(key, "has the key '" + k + "'; expected text keys");
      }
    }
    return (Map<String, Object>) m;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(String key, Object raw) throws SshConfigException {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof List<?>)) {
      throw error(key, "is a " + kind(raw) + "; expected a list");
    }
    return (List<Object>) raw;
  }

  private static String string(String key, Object raw) throws SshConfigException {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof String s)) {
      throw error(key, "is a " + kind(raw) + "; expected text");
    }
    return s;
  }

  private static String kind(Object raw) {
    return raw instanceof Map<?, ?>
        ? "map"
        : raw instanceof List<?> ? "list" : raw.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  private static SshConfigException error(String key, String message) {
    return new SshConfigException(key + ": " + message);
  }
}
