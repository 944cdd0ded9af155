import java.io.IOException;
import java.net.URI;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.AlgorithmParameters;
import java.security.spec.ECGenParameterSpec;
import java.math.BigInteger;
import java.util.Base64;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Grant-request load against a running broker, in one dependency-free file: {@code java
 * bench/src/GrantBench.java --url U --fingerprint FP --token-file F [--concurrency 16 | 4,8,16]
 * [--seconds 20] [--warmup-seconds 5] [--target bench] [--task BENCH-1] [--latency-log PREFIX]}.
 *
 * <p>For each concurrency level in turn (one JVM, so later levels run on a warm client), that many
 * threads send {@code POST /v1/grants} back to back, each on its own keep-alive connection, and a
 * request counts as done only when it answers 200 with an {@code APPROVED} grant, so the target
 * must be covered by an entitlement with a current review. The warm-up runs at the first level.
 * Prints one line per level: {@code clients=C requests=N errors=E seconds=S grants_per_s=R
 * p50_ms=... p90_ms=... p99_ms=... max_ms=...}. TLS trusts exactly the certificate whose SHA-256
 * fingerprint is given.
 */
public final class GrantBench {
  private static final Pattern SESSION_TOKEN =
      Pattern.compile("\"sessionToken\"\\s*:\\s*\"([^\"]+)\"");

  private GrantBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    String url = required(o, "url");
    String token = token(Path.of(required(o, "token-file")));
    int[] levels =
        Arrays.stream(o.getOrDefault("concurrency", "16").split(","))
            .mapToInt(c -> Integer.parseInt(c.strip()))
            .toArray();
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup-seconds", "5"));
    String body =
        "{\"target\":\""
            + o.getOrDefault("target", "bench")
            + "\",\"task\":\""
            + o.getOrDefault("task", "BENCH-1")
            + "\",\"reason\":\"bench/grants\"}";
    SSLContext tls = pinned(required(o, "fingerprint"));
    Path tokenFile = Path.of(required(o, "token-file"));
    Dpop dpop = Dpop.load(tokenFile.resolveSibling("dpop.jwk"), token);
    URI grants = URI.create(url + "/v1/grants");
    String authorization = (dpop == null ? "Bearer " : "DPoP ") + token;
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    // A fresh proof per request, as the CLI sends: the broker refuses a replayed one.
    Exchange request =
        conn ->
            conn.post(
                grants.getRawPath(),
                authorization,
                dpop == null ? null : dpop.proof("POST", grants.toString()),
                bodyBytes);

    if (warmup > 0) {
      run(tls, grants, request, levels[0], Duration.ofSeconds(warmup));
    }
    boolean failed = false;
    for (int level : levels) {
      // A short settle at the new level, so its first requests do not inherit the last queue.
      run(tls, grants, request, level, Duration.ofSeconds(2));
      Result r = run(tls, grants, request, level, Duration.ofSeconds(seconds));
      if (o.containsKey("latency-log")) {
        writeLatencyLog(Path.of(o.get("latency-log") + "-" + level + ".txt"), r);
      }
      long[] lat = r.latenciesNanos().clone();
      Arrays.sort(lat);
      System.out.printf(
          Locale.ROOT,
          "clients=%d requests=%d errors=%d seconds=%.2f grants_per_s=%.0f p50_ms=%.2f"
              + " p90_ms=%.2f p99_ms=%.2f max_ms=%.2f first_error=%s%n",
          level,
          lat.length,
          r.errors(),
          r.elapsedNanos() / 1e9,
          lat.length / (r.elapsedNanos() / 1e9),
          percentile(lat, 0.50) / 1e6,
          percentile(lat, 0.90) / 1e6,
          percentile(lat, 0.99) / 1e6,
          lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6,
          r.firstError() == null ? "-" : r.firstError().replaceAll("\\s+", "_"));
      failed |= lat.length == 0;
    }
    if (failed) {
      System.exit(1);
    }
  }

  record Result(
      long[] latenciesNanos, long[] startsNanos, long errors, long elapsedNanos, String firstError) {}

  /** One request on a worker's connection. */
  @FunctionalInterface
  interface Exchange {
    Http1.Response send(Http1 conn) throws IOException;
  }

  private static Result run(
      SSLContext tls, URI uri, Exchange request, int threads, Duration length)
      throws InterruptedException {
    List<long[]> samples = new ArrayList<>();
    List<long[]> starts = new ArrayList<>();
    int[] counts = new int[threads];
    AtomicLong errors = new AtomicLong();
    String[] firstError = new String[1];
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long[] window = new long[2];
    for (int t = 0; t < threads; t++) {
      int id = t;
      samples.add(new long[1024]);
      starts.add(new long[1024]);
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                long end = window[1];
                Http1 conn = new Http1(tls, uri);
                while (System.nanoTime() < end) {
                  long start = System.nanoTime();
                  String error;
                  try {
                    Http1.Response resp = request.send(conn);
                    error =
                        resp.status() == 200 && resp.body().contains("\"APPROVED\"")
                            ? null
                            : "HTTP " + resp.status() + " " + shorten(resp.body());
                  } catch (IOException | RuntimeException e) {
                    // Counted, never fatal: a dead worker would quietly lower the concurrency.
                    error = e.toString();
                  }
                  long took = System.nanoTime() - start;
                  if (error != null) {
                    errors.incrementAndGet();
                    synchronized (firstError) {
                      if (firstError[0] == null) {
                        firstError[0] = error;
                      }
                    }
                    continue;
                  }
                  long[] s = samples.get(id);
                  long[] at = starts.get(id);
                  if (counts[id] == s.length) {
                    s = Arrays.copyOf(s, s.length * 2);
                    samples.set(id, s);
                    at = Arrays.copyOf(at, at.length * 2);
                    starts.set(id, at);
                  }
                  at[counts[id]] = start - window[0];
                  s[counts[id]++] = took;
                }
                conn.close();
              },
              "grant-bench-" + t);
      workers.add(w);
      w.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + length.toNanos();
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    long elapsed = System.nanoTime() - window[0];
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    long[] allStarts = new long[total];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples.get(t), 0, all, at, counts[t]);
      System.arraycopy(starts.get(t), 0, allStarts, at, counts[t]);
      at += counts[t];
    }
    return new Result(all, allStarts, errors.get(), elapsed, firstError[0]);
  }

  /** One line per measured request, in start order: start offset and latency, in ms. */
  private static void writeLatencyLog(Path file, Result r) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    long[] starts = r.startsNanos();
    long[] lat = r.latenciesNanos();
    Integer[] order = new Integer[starts.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(starts[a], starts[b]));
    StringBuilder b = new StringBuilder("start_ms latency_ms\n");
    for (int i : order) {
      b.append(String.format(Locale.ROOT, "%.3f %.3f%n", starts[i] / 1e6, lat[i] / 1e6));
    }
    Files.writeString(file, b, StandardCharsets.US_ASCII);
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** The session token: a credentials.json written by {@code hoop login}, or the bare token. */
  private static String token(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    Matcher m = SESSION_TOKEN.matcher(text);
    if (m.find()) {
      return m.group(1);
    }
    if (text.isEmpty() || text.contains("{")) {
      throw new IllegalArgumentException(file + " holds no session token");
    }
    return text;
  }

  /** An SSL context that trusts exactly one leaf certificate, by its SHA-256 fingerprint. */
  static SSLContext pinned(String fingerprint) throws Exception {
    byte[] want = parseFingerprint(fingerprint);
    X509TrustManager tm =
        new X509TrustManager() {
          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            if (chain == null || chain.length == 0) {
              throw new CertificateException("the broker sent no certificate");
            }
            byte[] got = sha256(chain[0]);
            if (!MessageDigest.isEqual(want, got)) {
              throw new CertificateException(
                  "broker certificate fingerprint "
                      + HexFormat.ofDelimiter(":").withUpperCase().formatHex(got)
                      + " does not match the pinned "
                      + HexFormat.ofDelimiter(":").withUpperCase().formatHex(want));
            }
          }

          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            throw new CertificateException("GrantBench is a client; it trusts no clients");
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
    return ctx;
  }

  private static byte[] sha256(X509Certificate cert) throws CertificateException {
    try {
      return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new CertificateException("cannot fingerprint the broker certificate", e);
    }
  }

  /** Any case, with or without ':', with or without a leading {@code sha256:}. */
  private static byte[] parseFingerprint(String fp) {
    String s = fp.strip();
    if (s.regionMatches(true, 0, "sha256:", 0, 7)) {
      s = s.substring(7);
    }
    s = s.replace(":", "");
    if (!s.matches("[0-9A-Fa-f]{64}")) {
      throw new IllegalArgumentException(
          "--fingerprint '" + fp + "' is not a SHA-256 fingerprint (64 hex digits)");
    }
    return HexFormat.of().parseHex(s);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
      }
      o.put(args[i].substring(2), args[i + 1]);
    }
    return o;
  }

  private static String required(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  /**
   * One keep-alive HTTP/1.1 connection over pinned TLS, blocking. Far cheaper per request than
   * java.net.http's asynchronous client: on a small machine the load generator shares the CPUs
   * with the broker it measures, so its own cost must stay small.
   */
  static final class Http1 implements AutoCloseable {
    record Response(int status, String body) {}

    private static final int MAX_BODY = 1 << 20;
    private final SSLSocketFactory factory;
    private final String host;
    private final int port;
    private SSLSocket socket;
    private BufferedInputStream in;
    private OutputStream out;

    Http1(SSLContext tls, URI uri) {
      this.factory = tls.getSocketFactory();
      this.host = uri.getHost();
      this.port = uri.getPort() < 0 ? 443 : uri.getPort();
    }

    Response post(String path, String authorization, String dpop, byte[] body)
        throws IOException {
      if (socket == null) {
        socket = (SSLSocket) factory.createSocket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
      }
      try {
        StringBuilder head = new StringBuilder(2048);
        head.append("POST ").append(path).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        head.append("Authorization: ").append(authorization).append("\r\n");
        if (dpop != null) {
          head.append("DPoP: ").append(dpop).append("\r\n");
        }
        head.append("Content-Type: application/json\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return read();
      } catch (IOException | RuntimeException e) {
        close();
        throw e;
      }
    }

    private Response read() throws IOException {
      String status = line();
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 status line: " + shorten(status));
      }
      int code = Integer.parseInt(parts[1]);
      int length = -1;
      boolean close = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed header line: " + shorten(h));
        }
        String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).strip();
        if (name.equals("content-length")) {
          length = Integer.parseInt(value);
        } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
          close = true;
        } else if (name.equals("transfer-encoding")) {
          throw new IOException("the broker answered with Transfer-Encoding " + value);
        }
      }
      if (length < 0 || length > MAX_BODY) {
        throw new IOException("response Content-Length " + length + " is missing or too large");
      }
      byte[] body = in.readNBytes(length);
      if (body.length != length) {
        throw new IOException("connection closed after " + body.length + " of " + length + " bytes");
      }
      if (close) {
        close();
      }
      return new Response(code, new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      for (int c = in.read(); ; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed by the broker");
        }
        if (c == '\n') {
          int n = b.length();
          return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
        }
        if (b.length() > 16 * 1024) {
          throw new IOException("header line longer than 16 KiB");
        }
        b.append((char) c);
      }
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Closing a broken connection; the next request opens a new one.
        }
        socket = null;
      }
    }
  }

  /**
   * Signs DPoP proofs (RFC 9449) with the key {@code hoop login} stored next to the credentials
   * (Ed25519, or P-256 from older logins), through the JCA, so the bench pays the same
   * per-request cost as the CLI.
   */
  static final class Dpop {
    private static final Pattern FIELD = Pattern.compile("\"(kty|crv|x|y|d)\"\\s*:\\s*\"([^\"]+)\"");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    // PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows.
    private static final byte[] ED25519_PKCS8 =
        HexFormat.of().parseHex("302e020100300506032b657004220420");
    private final PrivateKey key;
    private final String algorithm;
    private final String header;
    private final String ath;
    private final SecureRandom random = new SecureRandom();

    /** BouncyCastle when its jar is on the class path, as the CLI signs with it; else the JDK. */
    private static final java.security.Provider BC = bouncyCastle();

    private static java.security.Provider bouncyCastle() {
      try {
        return (java.security.Provider)
            Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider")
                .getDeclaredConstructor()
                .newInstance();
      } catch (ReflectiveOperationException e) {
        return null;
      }
    }

    private Dpop(PrivateKey key, String algorithm, String header, String ath) {
      this.key = key;
      this.algorithm = algorithm;
      this.header = header;
      this.ath = ath;
    }

    /** The key in {@code file}, or null when there is none (an unbound token). */
    static Dpop load(Path file, String token) throws Exception {
      if (!Files.exists(file)) {
        return null;
      }
      Map<String, String> jwk = new HashMap<>();
      Matcher m = FIELD.matcher(Files.readString(file, StandardCharsets.UTF_8));
      while (m.find()) {
        jwk.put(m.group(1), m.group(2));
      }
      String ath =
          B64.encodeToString(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
      byte[] d = jwk.containsKey("d") ? Base64.getUrlDecoder().decode(jwk.get("d")) : null;
      String header;
      PrivateKey key;
      String algorithm;
      if ("OKP".equals(jwk.get("kty")) && "Ed25519".equals(jwk.get("crv")) && d != null) {
        byte[] pkcs8 = Arrays.copyOf(ED25519_PKCS8, ED25519_PKCS8.length + d.length);
        System.arraycopy(d, 0, pkcs8, ED25519_PKCS8.length, d.length);
        key =
            (BC == null ? KeyFactory.getInstance("Ed25519") : KeyFactory.getInstance("Ed25519", BC))
                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        algorithm = "Ed25519";
        header =
            "{\"typ\":\"dpop+jwt\",\"alg\":\"EdDSA\",\"jwk\":{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
                + jwk.get("x")
                + "\"}}";
      } else if ("EC".equals(jwk.get("kty")) && "P-256".equals(jwk.get("crv")) && d != null) {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        // A key object of the signing provider's own: BouncyCastle given a JDK key rebuilds the
        // curve and its precomputed tables on every signature (as hoop's DpopKey avoids too).
        key =
            (BC == null ? KeyFactory.getInstance("EC") : KeyFactory.getInstance("EC", BC))
                .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, d), spec));
        algorithm = BC == null ? "SHA256withECDSAinP1363Format" : "SHA256withPLAIN-ECDSA";
        header =
            "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
                + jwk.get("x")
                + "\",\"y\":\""
                + jwk.get("y")
                + "\"}}";
      } else {
        throw new IllegalArgumentException(file + " is not an Ed25519 or P-256 private JWK");
      }
      return new Dpop(
          key, algorithm, B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)), ath);
    }

    String proof(String method, String url) {
      byte[] jti = new byte[16];
      random.nextBytes(jti);
      String claims =
          "{\"jti\":\""
              + B64.encodeToString(jti)
              + "\",\"htm\":\""
              + method
              + "\",\"htu\":\""
              + url
              + "\",\"iat\":"
              + System.currentTimeMillis() / 1000
              + ",\"ath\":\""
              + ath
              + "\"}";
      String input = header + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
      try {
        Signature signer =
            BC == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, BC);
        signer.initSign(key, random);
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signer.sign());
      } catch (Exception e) {
        throw new IllegalStateException("cannot sign a DPoP proof: " + e, e);
      }
    }
  }
}
