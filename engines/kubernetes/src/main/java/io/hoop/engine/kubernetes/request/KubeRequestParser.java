package io.hoop.engine.kubernetes.request;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses a request's method, raw path and raw query as k8s.io/apiserver's {@code
 * RequestInfoFactory.NewRequestInfo} does: {@code /api/v1/...} (core group) and {@code
 * /apis/GROUP/VERSION/...}; {@code namespaces/NS/} before the resource (except the namespace's own
 * {@code status} and {@code finalize}); {@code resource/name/subresource}; the legacy {@code watch}
 * and {@code proxy} verb prefixes; GET without a name is {@code list}, or {@code watch} under a
 * true {@code watch} parameter; DELETE without a name is {@code deletecollection}; a {@code
 * fieldSelector} of {@code metadata.name=X} names the object of a list or watch.
 *
 * <p>Where the API server and a rule could disagree, it refuses instead (fail closed): percent
 * escapes in the segments it interprets (the server decodes them, so {@code %2F} would move the
 * segments), {@code .} and {@code ..} segments, empty segments (double or trailing slashes) before
 * any proxied tail, upper case in the parts Kubernetes keeps lower case, a {@code watch} value
 * other than true/false/1/0 or given twice, a {@code fieldSelector} given twice or with escapes,
 * {@code ;} in the query (Go drops such pairs), malformed escapes, unknown methods, and extra
 * segments after a subresource other than {@code proxy}.
 *
 * <p>Subresources that open a stream ({@code exec}, {@code attach}, {@code portforward}) get the
 * verb {@code create} whatever the method, as the API server authorizes them (a WebSocket upgrade
 * is a GET).
 */
public final class KubeRequestParser {
  /** Subresources that open a stream to a container or port. */
  static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward");

  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
  private static final int MAX_PATH = 8192;
  private static final int MAX_QUERY = 32768;
  private static final int MAX_COMMAND_ARGS = 1024;

  private KubeRequestParser() {}

  /**
   * The request {@code method rawPath?rawQuery}.
   *
   * @param rawPath the path exactly as on the request line (still percent-encoded)
   * @param rawQuery the query without {@code ?}, still encoded; null or empty when none
   * @throws KubeRequestException naming what could be read two ways
   */
  public static KubeRequest parse(String method, String rawPath, String rawQuery)
      throws KubeRequestException {
    requireNonNull(method, "method");
    requireNonNull(rawPath, "rawPath");
    String verbOfMethod =
        switch (method) {
          case "GET", "HEAD" -> "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> "delete";
          default ->
              throw new KubeRequestException(
                  "method '" + printable(method) + "' is not one the Kubernetes API serves");
        };
    if (rawPath.length() > MAX_PATH) {
      throw new KubeRequestException("path longer than " + MAX_PATH + " characters");
    }
    if (!rawPath.startsWith("/")) {
      throw new KubeRequestException("path '" + printable(rawPath) + "' does not start with '/'");
    }
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#' || c == '?') {
        throw new KubeRequestException(
            "path '"
                + printable(rawPath)
                + "' has a character the API server could read another way at "
                + i);
      }
    }
    Map<String, List<String>> query = query(rawQuery == null ? "" : rawQuery);
    String[] segments = rawPath.equals("/") ? new String[0] : rawPath.substring(1).split("/", -1);
    for (String s : segments) {
      if (s.equals(".") || s.equals("..")) {
        throw new KubeRequestException(
            "path '" + rawPath + "' has a '" + s + "' segment; refused, paths are never folded");
      }
    }

    // Non-resource requests: fewer than three segments, or not under /api or /apis.
    boolean grouped = segments.length >= 1 && segments[0].equals("apis");
    boolean resource =
        segments.length >= 3
            && (segments[0].equals("api") || segments[0].equals("apis"))
            && (!grouped || segments.length >= 4);
    if (!resource) {
      for (String s : segments) {
        if (s.isEmpty() || s.indexOf('%') >= 0) {
          throw new KubeRequestException(
              "path '" + rawPath + "' has an empty or percent-encoded segment");
        }
      }
      if (query.containsKey("watch") || query.containsKey("fieldSelector")) {
        // nothing kubectl sends: refuse rather than guess what the server makes of it
        throw new KubeRequestException(
            "parameter watch or fieldSelector on the non-resource path '" + rawPath + "'");
      }
      return new KubeRequest(
          method.toLowerCase(Locale.ROOT),
          false,
          "",
          "",
          "",
          "",
          "",
          "",
          rawPath,
          List.of(),
          false);
    }

    int i = 1;
    String group = "";
    if (grouped) {
      group = interpreted(rawPath, segments[i++], "API group");
    }
    String version = interpreted(rawPath, segments[i++], "API version");
    String verb = verbOfMethod;
    boolean viaMethod = true;
    if (SPECIAL_VERBS.contains(segments[i])) {
      if (segments.length - i < 2) {
        throw new KubeRequestException(
            "path '" + rawPath + "' names no resource after '" + segments[i] + "'");
      }
      verb = segments[i++];
      viaMethod = false;
      if (verb.equals("watch") && !method.equals("GET") && !method.equals("HEAD")) {
        throw new KubeRequestException("the watch prefix is served to GET only, not " + method);
      }
    }
    String namespace = "";
    if (interpreted(rawPath, segments[i], "resource").equals("namespaces")) {
      if (segments.length - i > 1) {
        namespace = interpreted(rawPath, segments[i + 1], "namespace");
        lowerCase(rawPath, namespace, "namespace");
        if (segments.length - i > 2
            && !NAMESPACE_SUBRESOURCES.contains(
                interpreted(rawPath, segments[i + 2], "resource"))) {
          i += 2;
        }
      }
    }
    int parts = segments.length - i;
    boolean noSubresource = verb.equals("proxy");
    String resourceName = interpreted(rawPath, segments[i], "resource");
    lowerCase(rawPath, resourceName, "resource");
    String name = parts >= 2 ? interpreted(rawPath, segments[i + 1], "name") : "";
    String subresource = "";
    if (parts >= 3 && !noSubresource) {
      subresource = interpreted(rawPath, segments[i + 2], "subresource");
      lowerCase(rawPath, subresource, "subresource");
      if (parts > 3 && !subresource.equals("proxy")) {
        throw new KubeRequestException(
            "path '" + rawPath + "' goes on after the subresource '" + subresource + "'");
      }
    }
    lowerCase(rawPath, group, "API group");
    lowerCase(rawPath, version, "API version");

    List<String> watch = query.get("watch");
    if (watch != null && watch.size() > 1) {
      throw new KubeRequestException("parameter watch given " + watch.size() + " times");
    }
    if (watch != null && (!viaMethod || !verb.equals("get") || !name.isEmpty())) {
      throw new KubeRequestException(
          "parameter watch on a request that is not a list ("
              + method
              + " "
              + rawPath
              + "); the server would ignore it");
    }
    if (viaMethod && verb.equals("get") && name.isEmpty()) {
      verb = watch != null && truth(watch.get(0)) ? "watch" : "list";
      name = selectedName(query.get("fieldSelector"));
    } else if (query.containsKey("fieldSelector") && query.get("fieldSelector").size() > 1) {
      throw new KubeRequestException("parameter fieldSelector given more than once");
    }
    if (viaMethod && verb.equals("delete") && name.isEmpty()) {
      verb = "deletecollection";
    }
    if (CONNECT_SUBRESOURCES.contains(subresource)) {
      if (!method.equals("GET") && !method.equals("POST")) {
        throw new KubeRequestException(subresource + " is served to GET and POST, not " + method);
      }
      verb = "create";
    }
    List<String> command = List.of();
    if (subresource.equals("exec")) {
      command = query.getOrDefault("command", List.of());
      if (command.size() > MAX_COMMAND_ARGS) {
        throw new KubeRequestException("exec command longer than " + MAX_COMMAND_ARGS + " words");
      }
    }
    boolean follow = false;
    if (subresource.equals("log")) {
      List<String> f = query.get("follow");
      if (f != null && f.size() > 1) {
        throw new KubeRequestException("parameter follow given " + f.size() + " times");
      }
      follow = f != null && truth(f.get(0));
    }
    return new KubeRequest(
        verb,
        true,
        group,
        version,
        namespace,
        resourceName,
        subresource,
        name,
        rawPath,
        command,
        follow);
  }

  /** A segment the API server interprets: no escapes (it decodes them first), never empty. */
  private static String interpreted(String path, String segment, String what)
      throws KubeRequestException {
    if (segment.isEmpty()) {
      throw new KubeRequestException(
          "path '" + path + "' has an empty " + what + " segment (double or trailing slash)");
    }
    if (segment.indexOf('%') >= 0) {
      throw new KubeRequestException(
          "path '" + path + "' has a percent-encoded " + what + " '" + segment + "'");
    }
    return segment;
  }

  private static void lowerCase(String path, String value, String what)
      throws KubeRequestException {
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c >= 'A' && c <= 'Z') {
        throw new KubeRequestException(
            "path '" + path + "' has upper case in the " + what + " '" + value + "'");
      }
    }
  }

  /**
   * The boolean parameter rules of the API server, refusing what it would read as true by default.
   */
  private static boolean truth(String v) throws KubeRequestException {
    return switch (v) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new KubeRequestException(
              "boolean parameter '" + printable(v) + "'; expected true, false, 1 or 0");
    };
  }

  /**
   * The name a {@code fieldSelector} requires ({@code metadata.name=X} or {@code ==X}), empty when
   * it requires none. Escapes and a second {@code metadata.name} term are refused.
   */
  static String selectedName(List<String> selectors) throws KubeRequestException {
    if (selectors == null) {
      return "";
    }
    if (selectors.size() > 1) {
      throw new KubeRequestException(
          "parameter fieldSelector given " + selectors.size() + " times");
    }
    String s = selectors.get(0);
    if (s.indexOf('\\') >= 0 || s.chars().anyMatch(Character::isWhitespace)) {
      throw new KubeRequestException(
          "fieldSelector '" + printable(s) + "' has escapes or spaces; refused as ambiguous");
    }
    String found = null;
    for (String term : s.split(",", -1)) {
      String t = term.strip();
      int ne = t.indexOf("!=");
      int eq = t.indexOf('=');
      if (t.isEmpty()) {
        continue;
      }
      if (eq < 0) {
        throw new KubeRequestException("fieldSelector term '" + printable(t) + "' has no operator");
      }
      if (ne >= 0 && ne < eq) {
        continue; // a != term requires no exact match
      }
      String key = t.substring(0, eq).strip();
      String value = t.startsWith("==", eq) ? t.substring(eq + 2) : t.substring(eq + 1);
      if (!key.equals("metadata.name")) {
        continue;
      }
      if (found != null) {
        throw new KubeRequestException("fieldSelector '" + printable(s) + "' names two objects");
      }
      found = value.strip();
    }
    if (found == null) {
      return "";
    }
    // IsValidPathSegmentName: the server ignores such a name (and lists everything)
    if (found.isEmpty()
        || found.equals(".")
        || found.equals("..")
        || found.indexOf('/') >= 0
        || found.indexOf('%') >= 0) {
      throw new KubeRequestException("fieldSelector names '" + printable(found) + "', not a name");
    }
    return found;
  }

  /**
   * A boolean option of the query as the API server converts it ({@code
   * Convert_Slice_string_To_bool}): absent is false; else the first value decides, and every value
   * but {@code 0} and {@code false} (any case) is true, the empty one included.
   */
  public static boolean option(String rawQuery, String name) throws KubeRequestException {
    List<String> values = query(rawQuery == null ? "" : rawQuery).get(name);
    if (values == null || values.isEmpty()) {
      return false;
    }
    String v = values.get(0);
    return !(v.equals("0") || v.equalsIgnoreCase("false"));
  }

  /**
   * Go's {@code url.ParseQuery}: pairs split on {@code &}, the first {@code =} splits key and
   * value, {@code +} is a space, {@code %XX} escapes. Go drops pairs with {@code ;} or bad escapes;
   * hoop refuses them.
   */
  static Map<String, List<String>> query(String raw) throws KubeRequestException {
    if (raw.length() > MAX_QUERY) {
      throw new KubeRequestException("query longer than " + MAX_QUERY + " characters");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return out;
    }
    if (raw.indexOf(';') >= 0) {
      throw new KubeRequestException("query has ';', which the API server drops with its pair");
    }
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String unescape(String s) throws KubeRequestException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        b.write(' ');
      } else if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          throw new KubeRequestException("query has a malformed escape in '" + printable(s) + "'");
        }
        b.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else if (c < 0x20 || c >= 0x7f) {
        throw new KubeRequestException("query has a raw control or non-ASCII character");
      } else {
        b.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new KubeRequestException("query has an escape that is not UTF-8");
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** For messages: at most 200 characters, control characters shown as '?'. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < s.length() && k < 200; k++) {
      char c = s.charAt(k);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > 200 ? out + "..." : out.toString();
  }
}
