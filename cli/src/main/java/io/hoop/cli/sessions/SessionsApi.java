package io.hoop.cli.sessions;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionList;
import io.hoop.api.TargetConnection;
import io.hoop.cli.broker.BrokerSession;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The session-recording endpoints and the target connection hints of the broker API. */
public final class SessionsApi {
  private final BrokerSession session;

  public SessionsApi(BrokerSession session) {
    this.session = session;
  }

  /** {@code GET /v1/sessions}; null filters are left out. */
  public SessionList list(String task, String target, String user, int limit) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("task", task);
    q.put("target", target);
    q.put("user", user);
    q.put("limit", Integer.toString(limit));
    String query =
        q.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return get("/v1/sessions?" + query, SessionList.class);
  }

  /** {@code GET /v1/sessions/{id}}. */
  public SessionDetail show(String id) {
    return get("/v1/sessions/" + encode(id), SessionDetail.class);
  }

  /** {@code GET /v1/targets/{name}/connection}. */
  public TargetConnection connection(String target) {
    return get("/v1/targets/" + encode(target) + "/connection", TargetConnection.class);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private <T> T get(String path, Class<T> type) {
    return session.client().get(path, type);
  }
}
