package io.hoop.engine.kubernetes.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.engine.http.HttpRequestStep;
import io.hoop.engine.kubernetes.request.KubeRequest;
import io.hoop.tunnel.engine.SessionStep;
import java.time.Instant;
import java.util.List;

/**
 * One Kubernetes API request of a session as recorded: what it was as the API server reads it
 * (verb, group, resource, namespace, name), what the server answered, how much went each way, how
 * many Secret values the masking rewrote and which rule let it through.
 *
 * @param operation one line, e.g. {@code list secrets -n prod} or {@code get /version}
 * @param path the path and query sent to the API server
 */
public record KubeRequestStep(
    Instant startedAt,
    long durationMicros,
    String verb,
    String apiGroup,
    String resource,
    String namespace,
    String name,
    String operation,
    String path,
    int status,
    long requestBytes,
    long responseBytes,
    int maskedFields,
    String rule,
    String error)
    implements SessionStep {
  public KubeRequestStep {
    requireNonNull(startedAt, "startedAt");
    requireNonNull(verb, "verb");
    requireNonNull(apiGroup, "apiGroup");
    requireNonNull(resource, "resource");
    requireNonNull(namespace, "namespace");
    requireNonNull(name, "name");
    requireNonNull(operation, "operation");
    requireNonNull(path, "path");
    requireNonNull(rule, "rule");
    requireNonNull(error, "error");
  }

  /** The step of {@code request} from the proxy's record of its exchange. */
  static KubeRequestStep of(KubeRequest request, HttpRequestStep s) {
    return new KubeRequestStep(
        s.startedAt(),
        s.durationMicros(),
        request.verb(),
        request.apiGroup(),
        request.resourcePath(),
        request.namespace(),
        request.name(),
        request.describe(),
        s.path(),
        s.status(),
        s.requestBytes(),
        s.responseBytes(),
        s.maskedFields(),
        s.rule(),
        s.error());
  }

  @Override
  public SessionStatement statement(int seq) {
    return new SessionStatement(
        seq,
        startedAt,
        durationMicros,
        operation,
        List.of(
            "path=" + path,
            "requestBytes=" + requestBytes,
            "responseBytes=" + responseBytes,
            "rule=" + rule),
        responseBytes,
        "HTTP " + status,
        maskedFields,
        false,
        "",
        error);
  }
}
