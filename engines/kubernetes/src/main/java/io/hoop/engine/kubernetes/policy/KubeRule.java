package io.hoop.engine.kubernetes.policy;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.kubernetes.request.KubeRequest;
import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.Glob;
import java.util.List;
import java.util.Set;

/**
 * One rule over Kubernetes requests. Every field is a filter (empty: any); a rule matches when all
 * do. {@code resources} globs name {@code resource} or {@code resource/subresource} ({@code *}
 * alone matches every resource and subresource, else {@code *} stops at '/': {@code pods} is not
 * {@code pods/exec}, {@code pods/*} is every pods subresource, and {@code *} then {@code /exec} is
 * every exec). {@code paths} globs match non-resource requests only ({@code **} crosses '/'); a
 * rule with paths matches no resource request and a rule without them no non-resource request.
 *
 * <p>A request that does not name its namespace or object (a cluster-wide list, a create, a
 * deletecollection) may touch any: a deny or review rule filtering by namespace or name matches it,
 * an allow rule does not.
 *
 * @param id names the rule in decisions and audits, e.g. {@code roles.viewer.rules[0]}
 * @param verbs API verbs ({@code get}, {@code list}, {@code watch}, {@code create}, ...; {@code *})
 * @param message shown with the decision; null for the default text
 */
public record KubeRule(
    String id,
    Action action,
    Set<String> verbs,
    List<Glob> apiGroups,
    List<Glob> resources,
    List<Glob> namespaces,
    List<Glob> names,
    List<Glob> paths,
    String message) {
  public KubeRule {
    requireNonNull(id, "id");
    requireNonNull(action, "action");
    verbs = Set.copyOf(requireNonNull(verbs, "verbs"));
    apiGroups = List.copyOf(requireNonNull(apiGroups, "apiGroups"));
    resources = List.copyOf(requireNonNull(resources, "resources"));
    namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
    names = List.copyOf(requireNonNull(names, "names"));
    paths = List.copyOf(requireNonNull(paths, "paths"));
    if (!paths.isEmpty()
        && !(apiGroups.isEmpty()
            && resources.isEmpty()
            && namespaces.isEmpty()
            && names.isEmpty())) {
      throw new IllegalArgumentException(
          id + ": paths (non-resource URLs) cannot be combined with resource filters");
    }
  }

  /** Whether this rule applies to {@code r}, reading absent namespaces and names by its action. */
  public boolean matches(KubeRequest r) {
    requireNonNull(r, "r");
    if (!verbs.isEmpty() && !verbs.contains("*") && !verbs.contains(r.verb())) {
      return false;
    }
    if (!r.resourceRequest()) {
      return !paths.isEmpty() && any(paths, r.path());
    }
    if (!paths.isEmpty()) {
      return false;
    }
    if (!apiGroups.isEmpty() && !any(apiGroups, r.apiGroup())) {
      return false;
    }
    if (!resources.isEmpty() && !resourceMatches(r.resourcePath())) {
      return false;
    }
    boolean lenient = action != Action.ALLOW;
    if (!namespaces.isEmpty()) {
      if (r.namespace().isEmpty() ? !lenient : !any(namespaces, r.namespace())) {
        return false;
      }
    }
    if (!names.isEmpty()) {
      return r.name().isEmpty() ? lenient : any(names, r.name());
    }
    return true;
  }

  private boolean resourceMatches(String resourcePath) {
    for (Glob g : resources) {
      if (g.pattern().equals("*") || g.matches(resourcePath)) {
        return true;
      }
    }
    return false;
  }

  private static boolean any(List<Glob> globs, String text) {
    for (Glob g : globs) {
      if (g.matches(text)) {
        return true;
      }
    }
    return false;
  }

  /** For messages: the id and the filters that are set. */
  public String describe() {
    StringBuilder s = new StringBuilder(id);
    append(s, "verbs", verbs.stream().sorted().toList());
    append(s, "apiGroups", apiGroups);
    append(s, "resources", resources);
    append(s, "namespaces", namespaces);
    append(s, "names", names);
    append(s, "paths", paths);
    return s.toString();
  }

  private static void append(StringBuilder s, String key, List<?> values) {
    if (!values.isEmpty()) {
      s.append(' ').append(key).append('=').append(values);
    }
  }
}
