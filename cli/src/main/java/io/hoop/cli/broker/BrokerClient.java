package io.hoop.cli.broker;

import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import io.hoop.api.ApiError;
import io.hoop.api.AuditPage;
import io.hoop.api.AuthConfig;
import io.hoop.api.DirectCredential;
import io.hoop.api.Entitlement;
import io.hoop.api.EntitlementList;
import io.hoop.api.Grant;
import io.hoop.api.GrantAction;
import io.hoop.api.GrantList;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantReuse;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldList;
import io.hoop.api.Json;
import io.hoop.api.ReviewAction;
import io.hoop.api.SessionRequest;
import io.hoop.api.SessionResponse;
import io.hoop.api.TargetList;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.api.WhoAmI;
import io.hoop.cli.HoopException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/** Typed calls to the broker's JSON API (see {@link io.hoop.api}). */
public final class BrokerClient {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  /** The connect timeout of each try when there are replicas to fail over to. */
  static final Duration FAILOVER_CONNECT_TIMEOUT = Duration.ofSeconds(3);

  private final String baseUrl;
  private final HttpRequestFactory requests;
  private final RequestAuth auth;
  // the profile's URL first, then the replicas (HOOP_BROKER_REPLICAS); calls start at the last
  // one that answered
  private final List<String> bases;
  private volatile int preferred;

  /**
   * @param baseUrl e.g. {@code https://127.0.0.1:8443}; a trailing slash is ignored
   * @param transport a transport that trusts the broker
   * @param auth adds the credentials (and DPoP proof) to every request
   */
  public BrokerClient(String baseUrl, HttpTransport transport, RequestAuth auth) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.requests = transport.createRequestFactory();
    this.auth = Objects.requireNonNull(auth, "auth");
    this.bases = List.of(this.baseUrl);
  }

  private BrokerClient(BrokerClient base, List<String> bases) {
    this.baseUrl = base.baseUrl;
    this.requests = base.requests;
    this.auth = base.auth;
    this.bases = List.copyOf(bases);
  }

  /**
   * This client, failing over to {@code replicas} (same scheme as the profile's URL, the same TLS
   * trust) when the broker cannot be connected to. Only a failure to connect moves a call on: a
   * request that reached a broker is never sent twice.
   */
  public BrokerClient withReplicas(List<InetSocketAddress> replicas) {
    return replicas.isEmpty()
        ? this
        : new BrokerClient(this, BrokerReplicas.baseUrls(baseUrl, replicas));
  }

  public String baseUrl() {
    return baseUrl;
  }

  public AuthConfig authConfig() {
    return send("GET", "/v1/auth/config", null, AuthConfig.class);
  }

  public SessionResponse createSession(String idToken) {
    return send("POST", "/v1/auth/session", new SessionRequest(idToken), SessionResponse.class);
  }

  /** {@code POST /v1/auth/token}: exchanges a token for a session bound to the proof's key. */
  public SessionResponse exchange(TokenExchangeRequest exchange) {
    return send("POST", "/v1/auth/token", exchange, SessionResponse.class);
  }

  /** {@code POST /v1/auth/logout}: revokes the presented session until it would have expired. */
  public void logout() {
    send("POST", "/v1/auth/logout", null, Void.class);
  }

  public WhoAmI whoami() {
    return send("GET", "/v1/whoami", null, WhoAmI.class);
  }

  public TargetList targets() {
    return send("GET", "/v1/targets", null, TargetList.class);
  }

  public Grant createGrant(GrantRequest request) {
    return send("POST", "/v1/grants", request, Grant.class);
  }

  /**
   * {@code POST /v1/grants/reuse}: the caller's live approved grant for the same target, role and
   * task with useful time left (with a fresh token), or null when there is none or the broker is
   * older than this endpoint.
   */
  public Grant reusableGrant(GrantRequest request) {
    try {
      GrantReuse r = send("POST", "/v1/grants/reuse", request, GrantReuse.class);
      return r == null ? null : r.grant();
    } catch (BrokerException e) {
      if (e.httpStatus() == 404 || e.httpStatus() == 405) {
        return null;
      }
      throw e;
    }
  }

  /** Break-glass access: granted at once where the target allows it, reviewed afterwards. */
  public Grant breakGlass(GrantRequest request) {
    return send("POST", "/v1/grants/break-glass", request, Grant.class);
  }

  public Grant grant(String id) {
    return send(
        "GET", "/v1/grants/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null, Grant.class);
  }

  /**
   * Issues the password of direct PostgreSQL access for an approved grant of the caller's (a new
   * one each call; the previous one stops working).
   */
  public DirectCredential directCredential(String grantId) {
    return send("POST", "/v1/grants/" + segment(grantId) + "/direct", null, DirectCredential.class);
  }

  /**
   * Grants visible to the caller.
   *
   * @param scope {@code mine}, {@code pending} (what the caller may approve) or {@code all}
   */
  public GrantList grants(String scope) {
    return send(
        "GET",
        "/v1/grants?scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8),
        null,
        GrantList.class);
  }

  /**
   * Approves, denies or revokes a grant.
   *
   * @param verb {@code approve}, {@code deny} or {@code revoke}
   */
  public Grant decide(String id, String verb, GrantAction action) {
    return send("POST", "/v1/grants/" + segment(id) + "/" + verb, action, Grant.class);
  }

  /**
   * Held operations visible to the caller.
   *
   * @param scope {@code pending} (what the caller may approve) or {@code mine}
   */
  public HoldList holds(String scope) {
    return send(
        "GET",
        "/v1/holds?scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8),
        null,
        HoldList.class);
  }

  /**
   * Approves or denies a held operation.
   *
   * @param verb {@code approve} or {@code deny}
   */
  public HeldOperation decideHold(String id, String verb, GrantAction action) {
    return send("POST", "/v1/holds/" + segment(id) + "/" + verb, action, HeldOperation.class);
  }

  /** Entitlements and their access reviews; {@code due} keeps only stale or expiring ones. */
  public EntitlementList reviews(boolean due) {
    return send("GET", due ? "/v1/reviews?due=true" : "/v1/reviews", null, EntitlementList.class);
  }

  /**
   * Certifies or revokes an entitlement.
   *
   * @param verb {@code certify} or {@code revoke}
   */
  public Entitlement review(String id, String verb, ReviewAction action) {
    return send("POST", "/v1/reviews/" + segment(id) + "/" + verb, action, Entitlement.class);
  }

  private static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  public AuditPage audit(int limit) {
    return send("GET", "/v1/audit?limit=" + limit, null, AuditPage.class);
  }

  /** {@code GET path} (with its query, already encoded) read as {@code type}. */
  public <T> T get(String path, Class<T> type) {
    return send("GET", path, null, type);
  }

  /**
   * {@code GET path} as the raw body of media type {@code accept} (a session recording), at most
   * {@code maxBytes}; errors as for the JSON calls.
   */
  public byte[] getBytes(String path, String accept, int maxBytes) {
    return exchange("GET", path, null, accept, maxBytes, byte[].class, true);
  }

  private <T> T send(String method, String path, Object body, Class<T> type) {
    return exchange(method, path, body, "application/json", MAX_BODY_BYTES, type, false);
  }

  private <T> T exchange(
      String method,
      String path,
      Object body,
      String accept,
      int maxBytes,
      Class<T> type,
      boolean raw) {
    int n = bases.size();
    int first = preferred;
    for (int i = 0; ; i++) {
      int k = (first + i) % n;
      String base = bases.get(k);
      try {
        T answer = exchangeWith(base, method, path, body, accept, maxBytes, type, raw);
        preferred = k;
        return answer;
      } catch (IOException e) {
        if (n == 1 || !couldNotConnect(e)) {
          throw unreachable(base, e);
        }
        if (i == n - 1) {
          throw new HoopException.Unreachable(
              unreachable(base, e).getMessage()
                  + " (no replica could be connected to either: tried "
                  + String.join(", ", bases)
                  + ")",
              e);
        }
      }
    }
  }

  @SuppressWarnings("unchecked") // raw: the bytes themselves are the answer
  private <T> T exchangeWith(
      String base,
      String method,
      String path,
      Object body,
      String accept,
      int maxBytes,
      Class<T> type,
      boolean raw)
      throws IOException {
    String url = base + path;
    HttpContent content =
        body == null
            ? null
            : new ByteArrayContent("application/json", Json.mapper().writeValueAsBytes(body));
    HttpRequest request = requests.buildRequest(method, new GenericUrl(url), content);
    request.setConnectTimeout(
        (int) (bases.size() > 1 ? FAILOVER_CONNECT_TIMEOUT : TIMEOUT).toMillis());
    request.setReadTimeout((int) TIMEOUT.toMillis());
    request.setThrowExceptionOnExecuteError(false);
    request.getHeaders().setAccept(accept);
    auth.apply(request.getHeaders(), method, url);
    HttpResponse response = request.execute();
    try {
      int status = response.getStatusCode();
      byte[] bytes = readBody(response, status >= 200 && status < 300 ? maxBytes : MAX_BODY_BYTES);
      if (status >= 200 && status < 300) {
        if (raw) {
          return (T) bytes;
        }
        if (type == Void.class) {
          return null;
        }
        return parse(bytes, type, method, path, status);
      }
      throw error(status, bytes);
    } finally {
      response.disconnect();
    }
  }

  /**
   * The broker was never reached (nothing of the request was sent), so another replica may take it:
   * refused, no route, unknown name, or no answer to the connect.
   */
  public static boolean couldNotConnect(IOException e) {
    if (e instanceof ConnectException
        || e instanceof java.net.NoRouteToHostException
        || e instanceof UnknownHostException) {
      return true;
    }
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      return true;
    }
    return e instanceof SocketTimeoutException
        && e.getMessage() != null
        && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect timed out");
  }

  private <T> T parse(byte[] bytes, Class<T> type, String method, String path, int status) {
    try {
      return Json.mapper().readValue(bytes, type);
    } catch (IOException e) {
      throw new HoopException(
          "broker answered "
              + method
              + " "
              + path
              + " with HTTP "
              + status
              + " but the body is not a "
              + type.getSimpleName()
              + " JSON object; is "
              + baseUrl
              + " a hoop broker?");
    }
  }

  private RuntimeException error(int status, byte[] bytes) {
    ApiError error = null;
    try {
      ApiError.Envelope envelope = Json.mapper().readValue(bytes, ApiError.Envelope.class);
      error = envelope == null ? null : envelope.error();
    } catch (IOException e) {
      // Not an envelope (a proxy's HTML page, say): report the status alone.
    }
    if (status == 401) {
      String why = error != null && error.message() != null ? error.message() : "not logged in";
      // The broker's own next step (e.g. "check identity.clientId") beats a generic one.
      String next =
          error != null && error.hint() != null && !error.hint().isBlank()
              ? error.hint()
              : "run hoop login";
      return new HoopException.NotLoggedIn(why + "; " + next);
    }
    return new BrokerException(status, error);
  }

  private static byte[] readBody(HttpResponse response, int maxBytes) throws IOException {
    try (InputStream in = response.getContent()) {
      if (in == null) {
        return new byte[0];
      }
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IOException("response body larger than " + maxBytes + " bytes");
      }
      return bytes;
    }
  }

  /** Turns a transport failure into one line that says what to check next. */
  public static HoopException unreachable(String url, IOException e) {
    if (e instanceof ConnectException) {
      return new HoopException.Unreachable(
          "cannot reach broker at " + url + ": " + e.getMessage() + " (is it running?)", e);
    }
    if (e instanceof UnknownHostException) {
      return new HoopException.Unreachable(
          "cannot reach broker at " + url + ": unknown host " + e.getMessage(), e);
    }
    if (e instanceof SocketTimeoutException) {
      return new HoopException.Unreachable(
          "broker at " + url + " did not answer within " + TIMEOUT.toSeconds() + " s", e);
    }
    if (e instanceof SSLException) {
      return new HoopException(
          "TLS check of broker at "
              + url
              + " failed: "
              + e.getMessage()
              + " (if the broker's certificate changed, get its new fingerprint from the"
              + " operator and run hoop login --broker "
              + url
              + " --fingerprint FP)",
          e);
    }
    return new HoopException("request to broker at " + url + " failed: " + e, e);
  }
}
