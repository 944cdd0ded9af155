package io.hoop.engine.kubernetes.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Kubernetes API server fixture for kubectl (no kube-apiserver can be installed here): HTTPS with
 * a test CA, bearer-token or client-certificate ({@link #CLIENT_CN}) authentication, the discovery
 * documents kubectl reads ({@code /version}, {@code /api}, {@code /apis}, {@code /api/v1}, {@code
 * /apis/apps/v1}; {@code /openapi/v2} is 404, so kubectl runs with {@code --validate=false}), and
 * an in-memory store of namespaces, pods, secrets, configmaps and deployments with get, list (also
 * as a {@code Table}, and by {@code fieldSelector=metadata.name=}), create, update, merge patch,
 * delete and watch (chunked JSON events, one per line, flushed), and pod logs ({@code follow=true}
 * streams a line every 100 ms until the client goes). Every request is kept in {@link #seen}.
 *
 * <p>exec, attach and port-forward speak SPDY/3.1 as the kubelet does for kubectl 1.20 ({@link
 * FakeApiFront}, {@link FakeSpdySession}): exec runs its argv as a real process in a temporary
 * directory, port-forward reaches a TCP echo server ({@link #echoed} keeps what it received).
 *
 * <p>What it does not do: RBAC, admission, WebSocket upgrades, strategic merge patch semantics for
 * lists (a merge patch is applied), protobuf.
 */
public final class FakeApiServer implements AutoCloseable {
  /** One request as the server saw it. */
  public record Seen(String method, String uri, String authorization, String accept) {}

  private record Kind(
      String group, String version, String resource, String kind, boolean namespaced) {
    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private static final List<Kind> KINDS =
      List.of(
          new Kind("", "v1", "namespaces", "Namespace", false),
          new Kind("", "v1", "pods", "Pod", true),
          new Kind("", "v1", "secrets", "Secret", true),
          new Kind("", "v1", "configmaps", "ConfigMap", true),
          new Kind("apps", "v1", "deployments", "Deployment", true));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The common name of the client certificate the server accepts instead of the token. */
  public static final String CLIENT_CN = "hoop-admin";

  public final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private final String token;
  private final com.sun.net.httpserver.HttpServer server;
  private final FakeApiFront front;
  private final java.net.ServerSocket echo;
  private final java.nio.file.Path workDir;

  /** exec and attach sessions: "start exec [argv]" / "end exec [argv]". */
  public final BlockingQueue<String> sessions = new LinkedBlockingQueue<>();

  /** What the port-forward echo server received. */
  public final java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, ObjectNode> store = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong(100);
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final AtomicInteger openStreams = new AtomicInteger();

  private record Watcher(Kind kind, String namespace, String name, BlockingQueue<String> events) {}

  /** Starts on a loopback port; requests must carry {@code Authorization: Bearer token}. */
  public FakeApiServer(TestCa ca, String token) throws IOException {
    this(ca, token, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /** Starts with its TLS front on {@code bind} (e.g. an address of a network namespace). */
  public FakeApiServer(TestCa ca, String token, InetSocketAddress bind) throws IOException {
    this.token = token;
    server =
        com.sun.net.httpserver.HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    workDir = java.nio.file.Files.createTempDirectory("hoop-fake-pod");
    echo = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    executor.execute(this::echo);
    FakeApiFront f = null;
    try {
      f = new FakeApiFront(ca, bind, server.getAddress(), upgrades(), workDir);
    } finally {
      front = f;
      if (f == null) {
        close();
      }
    }
    put("", "namespaces", "default", Map.of());
    put("", "namespaces", "prod", Map.of());
  }

  public InetSocketAddress address() {
    return front.address();
  }

  private FakeApiFront.Upgrades upgrades() {
    return new FakeApiFront.Upgrades() {
      @Override
      public boolean authenticated(String authorization) {
        return ("Bearer " + token).equals(authorization)
            || ("cert:" + CLIENT_CN).equals(authorization);
      }

      @Override
      public void seen(String method, String uri, String authorization, String accept) {
        seen.add(new Seen(method, uri, authorization, accept));
      }

      @Override
      public boolean podExists(String namespace, String name) {
        return store.containsKey(key(kind("pods").orElseThrow(), namespace, name));
      }

      @Override
      public InetSocketAddress portForwardTarget() {
        return (InetSocketAddress) echo.getLocalSocketAddress();
      }

      @Override
      public void session(FakeSpdySession.Kind kind, List<String> argv, boolean started) {
        sessions.add(
            (started ? "start " : "end ") + kind.name().toLowerCase(Locale.ROOT) + " " + argv);
      }
    };
  }

  /** The port-forward target: echoes every connection's bytes back until it half-closes. */
  private void echo() {
    while (!echo.isClosed()) {
      try {
        java.net.Socket s = echo.accept();
        executor.execute(
            () -> {
              byte[] buf = new byte[8192];
              try (s;
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  synchronized (echoed) {
                    echoed.write(buf, 0, n);
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // the forwarded connection went away
              }
            });
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Streams (watches, followed logs) still being written. */
  public int openStreams() {
    return openStreams.get();
  }

  /**
   * Creates or replaces an object from {@code fields} (merged over a minimal object of its kind),
   * notifying watchers.
   */
  public ObjectNode put(String namespace, String resource, String name, Map<String, ?> fields) {
    Kind k = kind(resource).orElseThrow();
    ObjectNode o = JSON.createObjectNode();
    o.put("apiVersion", k.apiVersion()).put("kind", k.kind());
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    if (k.namespaced()) {
      meta.put("namespace", namespace);
    }
    JSON.<ObjectNode>valueToTree(fields).properties().forEach(e -> o.set(e.getKey(), e.getValue()));
    if (k.kind().equals("Pod") && !o.has("spec")) {
      o.putObject("spec").putArray("containers").addObject().put("name", "app").put("image", "app");
      o.putObject("status").put("phase", "Running");
    }
    return store(k, namespace, name, o, false);
  }

  /** The stored object, or null. */
  public ObjectNode get(String namespace, String resource, String name) {
    return store.get(key(kind(resource).orElseThrow(), namespace, name));
  }

  private ObjectNode store(Kind k, String namespace, String name, ObjectNode o, boolean create) {
    ObjectNode meta = o.withObjectProperty("metadata");
    String key = key(k, namespace, name);
    ObjectNode old = store.get(key);
    meta.put("resourceVersion", Long.toString(version.incrementAndGet()));
    meta.put(
        "uid",
        old == null ? UUID.randomUUID().toString() : old.path("metadata").path("uid").asText());
    meta.put(
        "creationTimestamp",
        old == null
            ? Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()
            : old.path("metadata").path("creationTimestamp").asText());
    store.put(key, o);
    notify(k, namespace, name, old == null ? "ADDED" : "MODIFIED", o);
    return o;
  }

  private void notify(Kind k, String namespace, String name, String type, ObjectNode o) {
    for (Watcher w : watchers) {
      if (w.kind() == k
          && (w.namespace().isEmpty() || w.namespace().equals(namespace))
          && (w.name().isEmpty() || w.name().equals(name))) {
        ObjectNode event = JSON.createObjectNode();
        event.put("type", type);
        event.set("object", o);
        w.events().add(event.toString());
      }
    }
  }

  private static String key(Kind k, String namespace, String name) {
    return k.resource() + "|" + (k.namespaced() ? namespace : "") + "|" + name;
  }

  private static Optional<Kind> kind(String resource) {
    return KINDS.stream().filter(k -> k.resource().equals(resource)).findFirst();
  }

  private static Optional<Kind> kind(String group, String version, String resource) {
    return KINDS.stream()
        .filter(
            k ->
                k.group().equals(group)
                    && k.version().equals(version)
                    && k.resource().equals(resource))
        .findFirst();
  }

  // ---- requests ------------------------------------------------------------------------------

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getRawPath();
      String rawQuery = x.getRequestURI().getRawQuery();
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (auth == null) {
        auth = clientCertificate(x);
      }
      seen.add(
          new Seen(
              x.getRequestMethod(),
              rawQuery == null ? path : path + "?" + rawQuery,
              auth,
              x.getRequestHeaders().getFirst("Accept")));
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (!("Bearer " + token).equals(auth) && !("cert:" + CLIENT_CN).equals(auth)) {
        status(x, 401, "Unauthorized", "Unauthorized");
        return;
      }
      Map<String, String> q = query(rawQuery);
      try {
        route(x, path, q, body);
      } catch (IOException e) {
        throw e;
      } catch (RuntimeException e) {
        status(x, 400, "BadRequest", "fixture: " + e);
      }
    }
  }

  private void route(HttpExchange x, String path, Map<String, String> q, byte[] body)
      throws IOException {
    String method = x.getRequestMethod();
    switch (path) {
      case "/version" -> {
        send(
            x,
            200,
            "{\"major\":\"1\",\"minor\":\"20\",\"gitVersion\":\"v1.20.2-hoop-fixture\","
                + "\"platform\":\"linux/amd64\"}");
        return;
      }
      case "/api" -> {
        send(
            x,
            200,
            "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:6443\"}]}");
        return;
      }
      case "/apis" -> {
        send(
            x,
            200,
            "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"apps\","
                + "\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
                + "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}]}");
        return;
      }
      case "/api/v1" -> {
        send(x, 200, resourceList("", "v1"));
        return;
      }
      case "/apis/apps/v1" -> {
        send(x, 200, resourceList("apps", "v1"));
        return;
      }
      default -> {
        // resources below
      }
    }
    List<String> seg = new ArrayList<>(List.of(path.substring(1).split("/")));
    String group;
    String ver;
    if (seg.size() >= 3 && seg.get(0).equals("api")) {
      group = "";
      ver = seg.get(1);
      seg = seg.subList(2, seg.size());
    } else if (seg.size() >= 4 && seg.get(0).equals("apis")) {
      group = seg.get(1);
      ver = seg.get(2);
      seg = seg.subList(3, seg.size());
    } else {
      status(x, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    String ns = "";
    if (seg.size() >= 3 && seg.get(0).equals("namespaces")) {
      ns = seg.get(1);
      seg = seg.subList(2, seg.size());
    }
    Optional<Kind> found = kind(group, ver, seg.get(0));
    if (found.isEmpty()) {
      status(x, 404, "NotFound", "the server could not find the requested resource");
      return;
    }
    Kind k = found.get();
    String name = seg.size() > 1 ? seg.get(1) : "";
    String sub = seg.size() > 2 ? seg.get(2) : "";
    if (!sub.isEmpty()) {
      if (k.resource().equals("pods") && sub.equals("log") && method.equals("GET")) {
        logs(x, ns, name, q);
      } else {
        status(x, 404, "NotFound", "fixture: subresource " + sub + " is not served");
      }
      return;
    }
    switch (method) {
      case "GET" -> {
        if (name.isEmpty()) {
          String watch = q.getOrDefault("watch", "");
          if (watch.equals("true") || watch.equals("1")) {
            watch(x, k, ns, q);
          } else {
            list(x, k, ns, q);
          }
        } else {
          ObjectNode o = store.get(key(k, ns, name));
          if (o == null) {
            notFound(x, k, name);
          } else {
            send(x, 200, asTable(x) ? table(List.of(o), q).toString() : o.toString());
          }
        }
      }
      case "POST" -> {
        ObjectNode o = (ObjectNode) JSON.readTree(body);
        String n = o.path("metadata").path("name").asText();
        if (store.containsKey(key(k, ns, n))) {
          status(x, 409, "AlreadyExists", k.resource() + " \"" + n + "\" already exists");
          return;
        }
        if (k.namespaced()) {
          o.withObjectProperty("metadata").put("namespace", ns);
        }
        send(x, 201, store(k, ns, n, o, true).toString());
      }
      case "PUT" -> {
        ObjectNode o = (ObjectNode) JSON.readTree(body);
        send(x, 200, store(k, ns, name, o, false).toString());
      }
      case "PATCH" -> {
        ObjectNode old = store.get(key(k, ns, name));
        if (old == null) {
          notFound(x, k, name);
          return;
        }
        ObjectNode merged = old.deepCopy();
        merge(merged, JSON.readTree(body));
        send(x, 200, store(k, ns, name, merged, false).toString());
      }
      case "DELETE" -> {
        ObjectNode old = store.remove(key(k, ns, name));
        if (old == null) {
          notFound(x, k, name);
          return;
        }
        notify(k, ns, name, "DELETED", old);
        send(x, 200, old.toString());
      }
      default -> status(x, 405, "MethodNotAllowed", method + " is not allowed");
    }
  }

  private static void merge(ObjectNode target, JsonNode patch) {
    patch
        .properties()
        .forEach(
            e -> {
              JsonNode v = e.getValue();
              if (v.isNull()) {
                target.remove(e.getKey());
              } else if (v.isObject() && target.get(e.getKey()) instanceof ObjectNode t) {
                merge(t, v);
              } else {
                target.set(e.getKey(), v);
              }
            });
  }

  private List<ObjectNode> matching(Kind k, String ns, Map<String, String> q) {
    String byName = "";
    String selector = q.getOrDefault("fieldSelector", "");
    if (selector.startsWith("metadata.name=")) {
      byName = selector.substring("metadata.name=".length());
    }
    List<ObjectNode> out = new ArrayList<>();
    String prefix = k.resource() + "|" + (k.namespaced() ? ns : "") + "|";
    for (Map.Entry<String, ObjectNode> e : new java.util.TreeMap<>(store).entrySet()) {
      boolean inNs =
          ns.isEmpty() ? e.getKey().startsWith(k.resource() + "|") : e.getKey().startsWith(prefix);
      if (inNs && (byName.isEmpty() || e.getKey().endsWith("|" + byName))) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  private void list(HttpExchange x, Kind k, String ns, Map<String, String> q) throws IOException {
    List<ObjectNode> items = matching(k, ns, q);
    if (asTable(x)) {
      send(x, 200, table(items, q).toString());
      return;
    }
    ObjectNode list = JSON.createObjectNode();
    list.put("apiVersion", k.apiVersion()).put("kind", k.kind() + "List");
    list.putObject("metadata").put("resourceVersion", Long.toString(version.get()));
    ArrayNode arr = list.putArray("items");
    items.forEach(arr::add);
    send(x, 200, list.toString());
  }

  private void watch(HttpExchange x, Kind k, String ns, Map<String, String> q) throws IOException {
    String selector = q.getOrDefault("fieldSelector", "");
    String name = selector.startsWith("metadata.name=") ? selector.substring(14) : "";
    Watcher w = new Watcher(k, ns, name, new LinkedBlockingQueue<>());
    String rv = q.getOrDefault("resourceVersion", "");
    if (rv.isEmpty() || rv.equals("0")) {
      for (ObjectNode o : matching(k, ns, q)) {
        w.events().add("{\"type\":\"ADDED\",\"object\":" + o + "}");
      }
    }
    watchers.add(w);
    boolean table = asTable(x);
    long timeout = Long.parseLong(q.getOrDefault("timeoutSeconds", "60"));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(timeout, 60));
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(200, 0);
    openStreams.incrementAndGet();
    try (OutputStream out = x.getResponseBody()) {
      out.flush();
      while (System.nanoTime() < end) {
        String event = w.events().poll(200, TimeUnit.MILLISECONDS);
        if (event == null) {
          continue;
        }
        if (table) {
          ObjectNode e = (ObjectNode) JSON.readTree(event);
          e.set("object", table(List.of((ObjectNode) e.get("object")), q));
          event = e.toString();
        }
        out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      watchers.remove(w);
      openStreams.decrementAndGet();
    }
  }

  private void logs(HttpExchange x, String ns, String name, Map<String, String> q)
      throws IOException {
    if (!store.containsKey(key(kind("pods").orElseThrow(), ns, name))) {
      status(x, 404, "NotFound", "pods \"" + name + "\" not found");
      return;
    }
    x.getResponseHeaders().set("Content-Type", "text/plain");
    boolean follow = q.getOrDefault("follow", "").equals("true");
    if (!follow) {
      byte[] text =
          ("starting "
                  + name
                  + "\nlistening on :8080\nlogin by ada@example.com from 10.0.0.7\nready\n")
              .getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, text.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(text);
      }
      return;
    }
    x.sendResponseHeaders(200, 0);
    openStreams.incrementAndGet();
    try (OutputStream out = x.getResponseBody()) {
      for (int i = 0; i < 600; i++) {
        out.write(
            ("log line " + i + " of " + name + " user=ada@example.com\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      openStreams.decrementAndGet();
    }
  }

  /** {@code cert:CN} of the client's verified certificate (the TLS front knows it), or null. */
  private String clientCertificate(HttpExchange x) {
    return front.clientCn(x.getRemoteAddress().getPort());
  }

  private static boolean asTable(HttpExchange x) {
    String accept = x.getRequestHeaders().getFirst("Accept");
    return accept != null && accept.contains("as=Table");
  }

  private ObjectNode table(List<ObjectNode> items, Map<String, String> q) {
    ObjectNode t = JSON.createObjectNode();
    t.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    t.putObject("metadata").put("resourceVersion", Long.toString(version.get()));
    ArrayNode cols = t.putArray("columnDefinitions");
    for (String c : List.of("Name", "Age")) {
      cols.addObject()
          .put("name", c)
          .put("type", "string")
          .put("format", c.equals("Name") ? "name" : "")
          .put("description", c)
          .put("priority", 0);
    }
    ArrayNode rows = t.putArray("rows");
    boolean full = "Object".equals(q.get("includeObject"));
    for (ObjectNode o : items) {
      ObjectNode row = rows.addObject();
      row.putArray("cells").add(o.path("metadata").path("name").asText()).add("1m");
      if (full) {
        row.set("object", o);
      } else {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", o.get("metadata"));
      }
    }
    return t;
  }

  private String resourceList(String group, String ver) {
    ObjectNode l = JSON.createObjectNode();
    l.put("kind", "APIResourceList").put("apiVersion", "v1");
    l.put("groupVersion", group.isEmpty() ? ver : group + "/" + ver);
    ArrayNode rs = l.putArray("resources");
    for (Kind k : KINDS) {
      if (!k.group().equals(group)) {
        continue;
      }
      ObjectNode r = rs.addObject();
      r.put("name", k.resource())
          .put("singularName", k.kind().toLowerCase(Locale.ROOT))
          .put("namespaced", k.namespaced())
          .put("kind", k.kind());
      ArrayNode verbs = r.putArray("verbs");
      for (String v :
          List.of(
              "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")) {
        verbs.add(v);
      }
      if (k.resource().equals("pods")) {
        for (String sub : List.of("log", "exec", "portforward", "attach")) {
          rs.addObject()
              .put("name", "pods/" + sub)
              .put("singularName", "")
              .put("namespaced", true)
              .put("kind", sub.equals("log") ? "Pod" : "PodExecOptions")
              .putArray("verbs")
              .add(sub.equals("log") ? "get" : "create");
        }
      }
    }
    return l.toString();
  }

  private void notFound(HttpExchange x, Kind k, String name) throws IOException {
    status(x, 404, "NotFound", k.resource() + " \"" + name + "\" not found");
  }

  private static void status(HttpExchange x, int code, String reason, String message)
      throws IOException {
    ObjectNode s = JSON.createObjectNode();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    send(x, code, s.toString());
  }

  private static void send(HttpExchange x, int code, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }

  @Override
  public void close() {
    if (front != null) {
      front.close();
    }
    server.stop(0);
    try {
      echo.close();
    } catch (IOException e) {
      // closing
    }
    executor.shutdownNow();
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(workDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
