package io.hoop.engine.http.config;

import static io.hoop.tunnel.engine.SectionValues.describe;
import static io.hoop.tunnel.engine.SectionValues.error;
import static io.hoop.tunnel.engine.SectionValues.keys;
import static io.hoop.tunnel.engine.SectionValues.list;
import static io.hoop.tunnel.engine.SectionValues.map;
import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.policy.PathGlob;
import io.hoop.tunnel.engine.TargetKind;
import io.hoop.tunnel.engine.TargetSection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code http} target kind: validates a target's {@code http:} section into an {@link
 * HttpTarget}. Pure: it reads the files the section names (CA, secrets, client keys) and nothing
 * else. Errors name the key, e.g. {@code targets[2].http.roles.ops.tokenFile}; unknown keys are
 * errors; secret files must not be readable by group or others.
 */
public final class HttpTargetKind implements TargetKind {
  private static final Pattern ROLE = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
  private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
  private static final Pattern METHOD = Pattern.compile("^[A-Z][A-Z0-9_-]{0,31}$");
  private static final int MAX_FILE = 256 * 1024;
  private static final Set<String> SECTION_KEYS =
      Set.of(
          "tls",
          "caFile",
          "serverName",
          "roles",
          "defaultRole",
          "masking",
          "detectors",
          "customDetectors",
          "detectorStyle",
          "reviewTimeoutSeconds",
          "caseInsensitivePaths");
  private static final Set<String> ROLE_KEYS =
      Set.of("tokenFile", "basic", "header", "clientCert", "rules", "default");
  private static final Set<String> CREDENTIALS =
      Set.of("tokenFile", "basic", "header", "clientCert");
  private static final Set<String> RULE_KEYS = Set.of("methods", "path", "action");
  private static final Set<String> MASK_KEYS = Set.of("field", "pointer", "style");
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length");

  /** A kind for the broker's http targets. */
  public HttpTargetKind() {}

  @Override
  public String type() {
    return HttpTarget.ENGINE;
  }

  @Override
  public TargetSection parse(TargetPlace place, Object raw) throws SectionException {
    requireNonNull(place, "place");
    String k = place.key() + ".http";
    if (place.engine() != null && !place.engine().equals(HttpTarget.ENGINE)) {
      throw error(
          place.key() + ".engine",
          "'"
              + place.engine()
              + "' is not supported for an http target; remove it (http targets run the http"
              + " engine)");
    }
    Map<String, Object> section = map(k, raw);
    if (section == null) {
      throw error(k, "missing: an http target needs caFile (or tls: false) and roles");
    }
    keys(k, section, SECTION_KEYS);
    boolean tls = bool(k + ".tls", section.get("tls"), true);
    List<X509Certificate> trust = List.of();
    if (tls) {
      Object ca = section.get("caFile");
      if (ca == null) {
        throw error(
            k + ".caFile",
            "missing: the PEM certificates the target's TLS chain must lead to (the target's"
                + " certificate is never trusted without them); say tls: false for plain http");
      }
      trust = certificates(k + ".caFile", string(k + ".caFile", ca));
    } else if (section.containsKey("caFile") || section.containsKey("serverName")) {
      throw error(
          k + (section.containsKey("caFile") ? ".caFile" : ".serverName"),
          "set with tls: false; plain http has no certificate to check: remove it or drop tls:"
              + " false");
    }
    String serverName =
        section.containsKey("serverName")
            ? string(k + ".serverName", section.get("serverName"))
            : place.host();
    Map<String, HttpRole> roles = roles(k + ".roles", section.get("roles"));
    String defaultRole;
    if (section.get("defaultRole") == null) {
      if (roles.size() != 1) {
        throw error(k + ".defaultRole", "missing: name the role used when a grant names none");
      }
      defaultRole = roles.keySet().iterator().next();
    } else {
      defaultRole = string(k + ".defaultRole", section.get("defaultRole"));
      if (!roles.containsKey(defaultRole)) {
        throw error(
            k + ".defaultRole",
            "'" + defaultRole + "' is not one of the roles " + new TreeSet<>(roles.keySet()));
      }
    }
    List<MaskRule> masking = masking(k + ".masking", section.get("masking"));
    ContentDetectors detectors = ContentDetectors.parse(k, section);
    long timeout = integer(k + ".reviewTimeoutSeconds", section.get("reviewTimeoutSeconds"), 300);
    if (timeout < 1 || timeout > 86_400) {
      throw error(k + ".reviewTimeoutSeconds", timeout + " is out of range; expected 1..86400");
    }
    boolean ignoreCase =
        bool(k + ".caseInsensitivePaths", section.get("caseInsensitivePaths"), false);
    return new HttpTarget(
        place.host(),
        place.port(),
        tls,
        trust,
        serverName,
        roles,
        defaultRole,
        masking,
        detectors,
        Duration.ofSeconds(timeout),
        ignoreCase);
  }

  private static Map<String, HttpRole> roles(String key, Object raw) throws SectionException {
    Map<String, Object> roles = map(key, raw);
    if (roles == null || roles.isEmpty()) {
      throw error(key, "missing: at least one role, e.g. reader: {tokenFile: ..., rules: [...]}");
    }
    Map<String, HttpRole> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : roles.entrySet()) {
      String name = e.getKey();
      String rk = key + "." + name;
      if (!ROLE.matcher(name).matches()) {
        throw error(rk, "role name '" + name + "' must match " + ROLE.pattern());
      }
      Map<String, Object> role = map(rk, e.getValue());
      if (role == null) {
        throw error(rk, "missing: a credential and rules");
      }
      keys(rk, role, ROLE_KEYS);
      List<String> given = role.keySet().stream().filter(CREDENTIALS::contains).sorted().toList();
      if (given.size() != 1) {
        throw error(
            rk,
            (given.isEmpty() ? "no credential" : "several credentials " + given)
                + "; expected exactly one of tokenFile, basic, header, clientCert");
      }
      Credential credential = credential(rk, given.get(0), role.get(given.get(0)));
      List<RequestRule> rules = rules(rk + ".rules", role.get("rules"));
      RuleAction fallback = RuleAction.DENY;
      if (role.get("default") != null) {
        String d = string(rk + ".default", role.get("default"));
        fallback =
            switch (d) {
              case "allow" -> RuleAction.ALLOW;
              case "deny" -> RuleAction.DENY;
              default -> throw error(rk + ".default", "'" + d + "' is not allow or deny");
            };
      }
      out.put(name, new HttpRole(name, credential, rules, fallback));
    }
    return out;
  }

  private static Credential credential(String rk, String kind, Object raw) throws SectionException {
    String k = rk + "." + kind;
    switch (kind) {
      case "tokenFile":
        return new Credential.Bearer(headerSafe(k, secret(k, string(k, raw))));
      case "basic":
        {
          Map<String, Object> m = map(k, raw);
          if (m == null) {
            throw error(k, "missing: user and passwordFile");
          }
          keys(k, m, Set.of("user", "passwordFile"));
          String user = string(k + ".user", m.get("user"));
          if (user.indexOf(':') >= 0 || !headerSafeChars(user)) {
            throw error(k + ".user", "must not contain ':' or control characters");
          }
          String password =
              secret(k + ".passwordFile", string(k + ".passwordFile", m.get("passwordFile")));
          return new Credential.Basic(user, headerSafe(k + ".passwordFile", password));
        }
      case "header":
        {
          Map<String, Object> m = map(k, raw);
          if (m == null) {
            throw error(k, "missing: name and valueFile");
          }
          keys(k, m, Set.of("name", "valueFile"));
          String name = string(k + ".name", m.get("name"));
          if (!TOKEN.matcher(name).matches()
              || HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
            throw error(
                k + ".name",
                "'"
                    + name
                    + "' is not a header name the broker can inject (a token, not a"
                    + " hop-by-hop or framing header)");
          }
          String value = secret(k + ".valueFile", string(k + ".valueFile", m.get("valueFile")));
          return new Credential.Header(name, headerSafe(k + ".valueFile", value));
        }
      default:
        {
          Map<String, Object> m = map(k, raw);
          if (m == null) {
            throw error(k, "missing: certFile and keyFile");
          }
          keys(k, m, Set.of("certFile", "keyFile"));
          List<X509Certificate> chain =
              certificates(k + ".certFile", string(k + ".certFile", m.get("certFile")));
          String keyFile = string(k + ".keyFile", m.get("keyFile"));
          PrivateKey key = privateKey(k + ".keyFile", secret(k + ".keyFile", keyFile));
          return new Credential.ClientCertificate(chain, key);
        }
    }
  }

  private static List<RequestRule> rules(String key, Object raw) throws SectionException {
    List<Object> rules = list(key, raw);
    List<RequestRule> out = new ArrayList<>();
    if (rules == null) {
      return out;
    }
    for (int i = 0; i < rules.size(); i++) {
      String rk = key + "[" + i + "]";
      Map<String, Object> rule = map(rk, rules.get(i));
      if (rule == null) {
        throw error(rk, "missing: methods, path and action");
      }
      keys(rk, rule, RULE_KEYS);
      Set<String> methods = new LinkedHashSet<>();
      List<Object> rawMethods = list(rk + ".methods", rule.get("methods"));
      if (rawMethods == null || rawMethods.isEmpty()) {
        throw error(rk + ".methods", "missing: e.g. [GET, HEAD], or ['*'] for any method");
      }
      for (int j = 0; j < rawMethods.size(); j++) {
        String m = string(rk + ".methods[" + j + "]", rawMethods.get(j));
        if (m.equals("*")) {
          continue;
        }
        if (!METHOD.matcher(m).matches()) {
          throw error(rk + ".methods[" + j + "]", "'" + m + "' is not an upper-case method name");
        }
        methods.add(m);
      }
      if (rawMethods.stream().anyMatch("*"::equals)) {
        methods.clear();
      }
      String path = string(rk + ".path", rule.get("path"));
      PathGlob glob;
      try {
        glob = PathGlob.of(path);
      } catch (IllegalArgumentException e) {
        throw error(rk + ".path", e.getMessage());
      }
      String action = string(rk + ".action", rule.get("action"));
      RuleAction a =
          switch (action) {
            case "allow" -> RuleAction.ALLOW;
            case "deny" -> RuleAction.DENY;
            case "review" -> RuleAction.REVIEW;
            default -> throw error(rk + ".action", "'" + action + "' is not allow, deny or review");
          };
      String shortKey = key.substring(key.indexOf(".roles.") + 1) + "[" + i + "]";
      out.add(new RequestRule(shortKey, methods, glob, a));
    }
    return out;
  }

  private static List<MaskRule> masking(String key, Object raw) throws SectionException {
    List<Object> rules = list(key, raw);
    List<MaskRule> out = new ArrayList<>();
    if (rules == null) {
      return out;
    }
    for (int i = 0; i < rules.size(); i++) {
      String rk = key + "[" + i + "]";
      Map<String, Object> rule = map(rk, rules.get(i));
      if (rule == null) {
        throw error(rk, "missing: field or pointer");
      }
      keys(rk, rule, MASK_KEYS);
      MaskStyle style =
          rule.get("style") == null ? MaskStyle.REDACT : style(rk + ".style", rule.get("style"));
      boolean hasField = rule.get("field") != null;
      boolean hasPointer = rule.get("pointer") != null;
      if (hasField == hasPointer) {
        throw error(rk, "expected exactly one of field (a name at any depth) and pointer");
      }
      String shortKey = "masking[" + i + "]";
      if (hasField) {
        String field = string(rk + ".field", rule.get("field"));
        if (field.isEmpty()) {
          throw error(rk + ".field", "must not be empty");
        }
        out.add(new MaskRule(shortKey, field, null, style));
      } else {
        String pointer = string(rk + ".pointer", rule.get("pointer"));
        out.add(new MaskRule(shortKey, null, pointer(rk + ".pointer", pointer), style));
      }
    }
    return out;
  }

  /** Splits a JSON pointer (RFC 6901) into unescaped segments; {@code *} stays a wildcard. */
  static List<String> pointer(String key, String pointer) throws SectionException {
    if (!pointer.startsWith("/")) {
      throw error(key, "'" + pointer + "' is not a JSON pointer; expected e.g. /items/*/card");
    }
    List<String> segments = new ArrayList<>();
    for (String s : pointer.substring(1).split("/", -1)) {
      if (s.matches(".*~[^01].*|.*~$")) {
        throw error(key, "'" + pointer + "' has a '~' not followed by 0 or 1 (RFC 6901)");
      }
      segments.add(s.replace("~1", "/").replace("~0", "~"));
    }
    return segments;
  }

  private static MaskStyle style(String key, Object raw) throws SectionException {
    String s = string(key, raw);
    MaskStyle style = MaskStyle.parse(s);
    if (style == null) {
      throw error(key, "'" + s + "' is not a style; expected redact, partial or hash");
    }
    return style;
  }

  // ---- files ---------------------------------------------------------------------------------

  private static String secret(String key, String file) throws SectionException {
    Path path = Path.of(file);
    try {
      if (!Files.isRegularFile(path)) {
        throw error(key, "'" + file + "' is not a readable file");
      }
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        for (PosixFilePermission p : perms) {
          if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
            throw error(
                key,
                "'"
                    + file
                    + "' is readable by group or others; expected mode 0600 (chmod 600 "
                    + file
                    + ")");
          }
        }
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: nothing to check
      }
      if (Files.size(path) > MAX_FILE) {
        throw error(key, "'" + file + "' is larger than " + MAX_FILE + " bytes");
      }
      String value = Files.readString(path, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw error(key, "'" + file + "' is empty");
      }
      return value;
    } catch (IOException e) {
      throw error(key, "cannot read '" + file + "': " + e.getClass().getSimpleName());
    }
  }

  private static String headerSafe(String key, String value) throws SectionException {
    if (!headerSafeChars(value)) {
      throw error(key, "the value has a control character or a line break; expected one line");
    }
    return value;
  }

  private static boolean headerSafeChars(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }

  private static List<X509Certificate> certificates(String key, String file)
      throws SectionException {
    byte[] bytes;
    try {
      if (Files.size(Path.of(file)) > MAX_FILE) {
        throw error(key, "'" + file + "' is larger than " + MAX_FILE + " bytes");
      }
      bytes = Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw error(key, "cannot read '" + file + "': " + e.getClass().getSimpleName());
    }
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw error(key, "'" + file + "' has no certificate; expected PEM certificates");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw error(key, "'" + file + "' is not PEM certificates: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(String key, String pem) throws SectionException {
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw error(key, "not a PKCS#8 PEM key; expected '" + begin + "' (openssl pkcs8 -topk8)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException x) {
      throw error(key, "the PEM key's base64 is invalid");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException x) {
        // try the next algorithm
      }
    }
    throw error(key, "the key is not an EC, RSA or Ed25519 PKCS#8 key");
  }

  // ---- YAML values ---------------------------------------------------------------------------

  private static String string(String key, Object raw) throws SectionException {
    if (raw == null) {
      throw error(key, "missing");
    }
    if (!(raw instanceof String s)) {
      throw error(key, "expected a string, got " + describe(raw));
    }
    return s;
  }

  private static boolean bool(String key, Object raw, boolean fallback) throws SectionException {
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof Boolean b)) {
      throw error(key, "expected true or false, got " + describe(raw));
    }
    return b;
  }

  private static long integer(String key, Object raw, long fallback) throws SectionException {
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof Integer || raw instanceof Long)) {
      throw error(key, "expected a whole number, got " + describe(raw));
    }
    return ((Number) raw).longValue();
  }
}
