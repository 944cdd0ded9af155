package io.hoop.cli.sessions;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionList;
import io.hoop.api.TargetConnection;
import io.hoop.cli.broker.BrokerException;
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

  /** Recordings larger than this are refused rather than held in memory. */
  static final int MAX_RECORDING_BYTES = 256 * 1024 * 1024;

  /**
   * {@code GET /v1/sessions/{id}/recording}: the session's asciicast v2 file (ssh sessions); null
   * when the session has none (postgres sessions, raw relays, older brokers) or retention removed
   * it (410; the session's {@code recordingPurgedAt} says when).
   */
  public String recording(String id) {
    try {
      byte[] body =
          session
              .client()
              .getBytes(
                  "/v1/sessions/" + encode(id) + "/recording",
                  "application/x-asciicast",
                  MAX_RECORDING_BYTES);
      return new String(body, StandardCharsets.UTF_8);
    } catch (BrokerException e) {
      if (e.httpStatus() == 404 || e.httpStatus() == 410) {
        return null;
      }
      throw e;
    }
  }

  /**
   * The engine that relayed {@code detail}'s session as the broker names it; from a broker that
   * does not, the engine its target has now (null when that cannot be told).
   */
  public String engineOf(SessionDetail detail) {
    if (detail.session().engine() != null) {
      return detail.session().engine();
    }
    try {
      return connection(detail.session().target()).engine();
    } catch (BrokerException e) {
      return null;
    }
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
