package io.hoop.broker.http;

import io.hoop.broker.store.StoreException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps "METHOD /path" to routes. Paths ending in {@code /*} match any one trailing segment, read
 * back with {@link #tail}; a {@code *} inside a path (e.g. {@code /v1/grants/*}{@code /approve})
 * matches one segment, read back with {@link #segment}. Unknown paths get 404, known paths with
 * another method 405.
 */
public final class Router {
  private static final Logger LOG = LoggerFactory.getLogger(Router.class);
  private final Map<String, Route> exact = new LinkedHashMap<>();
  private final Map<String, Route> prefix = new LinkedHashMap<>();
  private final Map<String, Route> patterns = new LinkedHashMap<>();
  private final RefusalAudit refusals;

  /** A router that audits nothing (tests). */
  public Router() {
    this(null);
  }

  /**
   * @param refusals audits refused requests (an {@link ApiException} or an unknown endpoint); null
   *     audits nothing
   */
  public Router(RefusalAudit refusals) {
    this.refusals = refusals;
  }

  /** Adds a route; {@code key} is e.g. {@code "GET /v1/whoami"} or {@code "GET /v1/grants/*"}. */
  public Router add(String key, Route route) {
    if (key.contains("/*/")) {
      patterns.put(key, route);
    } else if (key.endsWith("/*")) {
      prefix.put(key.substring(0, key.length() - 1), route);
    } else {
      exact.put(key, route);
    }
    return this;
  }

  public Router addAll(Map<String, Route> routes) {
    routes.forEach(this::add);
    return this;
  }

  /** The path segment a {@code /*} route matched. */
  public static String tail(ApiRequest req) {
    return req.path().substring(req.path().lastIndexOf('/') + 1);
  }

  /** The {@code index}-th segment of the path, counting from 0 after the leading slash. */
  public static String segment(ApiRequest req, int index) {
    return req.path().substring(1).split("/", -1)[index];
  }

  private static boolean matches(String pattern, String path) {
    String[] p = pattern.split("/", -1);
    String[] a = path.split("/", -1);
    if (p.length != a.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (p[i].equals("*") ? a[i].isEmpty() : !p[i].equals(a[i])) {
        return false;
      }
    }
    return true;
  }

  private Route pattern(String method, String path) {
    for (Map.Entry<String, Route> e : patterns.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(method + " ") && matches(k.substring(k.indexOf(' ') + 1), path)) {
        return e.getValue();
      }
    }
    return null;
  }

  public ApiResponse dispatch(ApiRequest req) {
    String key = req.method() + " " + req.path();
    Route r = exact.get(key);
    if (r == null) {
      int slash = key.lastIndexOf('/');
      String tail = key.substring(slash + 1);
      if (!tail.isEmpty()) {
        r = prefix.get(key.substring(0, slash + 1));
      }
    }
    if (r == null) {
      r = pattern(req.method(), req.path());
    }
    if (r == null) {
      ApiException e =
          knownPath(req.path())
              ? new ApiException(
                  405, "method_not_allowed", req.method() + " not allowed here", null)
              : new ApiException(404, "not_found", "no such endpoint " + req.path(), null);
      refused(req, e);
      return e.toResponse();
    }
    try {
      return r.handle(req);
    } catch (ApiException e) {
      refused(req, e);
      return e.toResponse();
    } catch (StoreException e) {
      // Fail closed: no grant, login or decision is made without the store, and the caller is
      // told to retry rather than shown an internal error.
      LOG.warn("store unavailable path={} error={}", req.path(), e.getMessage());
      return ApiResponse.error(
          503,
          "store_unavailable",
          "the broker's store is unavailable, so the request was refused",
          "try again in a moment; if it persists, tell the broker's operator");
    } catch (RuntimeException | Error e) {
      LOG.error("request failed path={}", req.path(), e);
      return ApiResponse.error(
          500, "internal_error", "the broker failed to handle this request", "see the broker log");
    } catch (Exception e) {
      LOG.error("request failed path={}", req.path(), e);
      return ApiResponse.error(
          500, "internal_error", "the broker failed to handle this request", "see the broker log");
    }
  }

  // Every refusal is audited in one place (bounded under a flood by RefusalAudit).
  private void refused(ApiRequest req, ApiException e) {
    if (refusals != null) {
      refusals.refused(
          new RefusalAudit.Refusal(
              req.remote(),
              req.method(),
              req.path(),
              e.status(),
              e.code(),
              e.getMessage(),
              e.principal()));
    }
  }

  private boolean knownPath(String path) {
    for (String k : exact.keySet()) {
      if (k.substring(k.indexOf(' ') + 1).equals(path)) {
        return true;
      }
    }
    for (String k : patterns.keySet()) {
      if (matches(k.substring(k.indexOf(' ') + 1), path)) {
        return true;
      }
    }
    for (String k : prefix.keySet()) {
      String p = k.substring(k.indexOf(' ') + 1);
      if (path.startsWith(p) && path.indexOf('/', p.length()) < 0 && path.length() > p.length()) {
        return true;
      }
    }
    return false;
  }
}
