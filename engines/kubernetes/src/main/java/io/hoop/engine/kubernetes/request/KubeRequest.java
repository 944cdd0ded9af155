package io.hoop.engine.kubernetes.request;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A Kubernetes API request as the API server's {@code RequestInfoFactory} sees it: the verb
 * (computed from the method, the path and the {@code watch} parameter), the API group and version,
 * the namespace, resource, subresource and name. A non-resource request ({@code /version}, {@code
 * /apis}, ...) carries only its path and the lower-case method as verb. Strings are empty, never
 * null, when absent ({@code ""} is also the core API group).
 *
 * @param verb get, list, watch, create, update, patch, delete, deletecollection, proxy (and, for a
 *     non-resource request, the lower-case method)
 * @param resourceRequest whether the path named a resource ({@code /api/...} or {@code /apis/...}
 *     with enough segments)
 * @param path the path as sent, for non-resource rules and records
 * @param command an exec's argv from its {@code command} parameters, in order; empty otherwise
 * @param follow whether a {@code log} request streams ({@code follow=true})
 */
public record KubeRequest(
    String verb,
    boolean resourceRequest,
    String apiGroup,
    String apiVersion,
    String namespace,
    String resource,
    String subresource,
    String name,
    String path,
    List<String> command,
    boolean follow) {
  public KubeRequest {
    requireNonNull(verb, "verb");
    requireNonNull(apiGroup, "apiGroup");
    requireNonNull(apiVersion, "apiVersion");
    requireNonNull(namespace, "namespace");
    requireNonNull(resource, "resource");
    requireNonNull(subresource, "subresource");
    requireNonNull(name, "name");
    requireNonNull(path, "path");
    command = List.copyOf(requireNonNull(command, "command"));
  }

  /** {@code resource} or {@code resource/subresource}, as RBAC and hoop's rules name it. */
  public String resourcePath() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  /**
   * Whether this opens a bidirectional stream to a container or port (exec, attach, portforward).
   */
  public boolean connect() {
    return resourceRequest && KubeRequestParser.CONNECT_SUBRESOURCES.contains(subresource);
  }

  /**
   * One line for records and refusals, e.g. {@code list secrets -n prod} or {@code get /version}.
   */
  public String describe() {
    if (!resourceRequest) {
      return verb + " " + path;
    }
    StringBuilder s = new StringBuilder(verb).append(' ').append(resourcePath());
    if (!apiGroup.isEmpty()) {
      s.append('.').append(apiGroup);
    }
    if (!name.isEmpty()) {
      s.append(' ').append(name);
    }
    if (!namespace.isEmpty()) {
      s.append(" -n ").append(namespace);
    }
    return s.toString();
  }
}
