import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
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
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Grant-request load against a running broker, in one dependency-free file: {@code java
 * bench/src/GrantBench.java --url U --fingerprint FP --token-file F [--concurrency 16] [--seconds
 * 20] [--warmup-seconds 5] [--target bench] [--task BENCH-1]}.
 *
 * <p>Each of {@code concurrency} threads sends {@code POST /v1/grants} back to back for the run
 * (after an unmeasured warm-up) and counts a request as done only when it answers 200 with an
 * {@code APPROVED} grant, so the target must be covered by an entitlement with a current review.
 * Prints one line: {@code requests=N errors=E seconds=S grants_per_s=R p50_ms=... p99_ms=...
 * max_ms=...}. TLS trusts exactly the certificate whose SHA-256 fingerprint is given.
 */
public final class GrantBench {
  private static final Pattern SESSION_TOKEN =
      Pattern.compile("\"sessionToken\"\\s*:\\s*\"([^\"]+)\"");

  private GrantBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    String url = required(o, "url");
    String token = token(Path.of(required(o, "token-file")));
    int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "16"));
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup-seconds", "5"));
    String body =
        "{\"target\":\""
            + o.getOrDefault("target", "bench")
            + "\",\"task\":\""
            + o.getOrDefault("task", "BENCH-1")
            + "\",\"reason\":\"bench/grants\"}";
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(pinned(required(o, "fingerprint")))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    Path tokenFile = Path.of(required(o, "token-file"));
    Dpop dpop = Dpop.load(tokenFile.resolveSibling("dpop.jwk"), token);
    URI grants = URI.create(url + "/v1/grants");
    // A fresh proof per request, as the CLI sends: the broker refuses a replayed one.
    Supplier<HttpRequest> request =
        () ->
            HttpRequest.newBuilder(grants)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", (dpop == null ? "Bearer " : "DPoP ") + token)
                .header("DPoP", dpop == null ? "" : dpop.proof("POST", grants.toString()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();

    if (warmup > 0) {
      run(http, request, concurrency, Duration.ofSeconds(warmup));
    }
    Result r = run(http, request, concurrency, Duration.ofSeconds(seconds));
    long[] lat = r.latenciesNanos();
    Arrays.sort(lat);
    System.out.printf(
        Locale.ROOT,
        "requests=%d errors=%d seconds=%.2f grants_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
            + " first_error=%s%n",
        lat.length,
        r.errors(),
        r.elapsedNanos() / 1e9,
        lat.length / (r.elapsedNanos() / 1e9),
        percentile(lat, 0.50) / 1e6,
        percentile(lat, 0.99) / 1e6,
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6,
        r.firstError() == null ? "-" : r.firstError().replace(' ', '_'));
    if (lat.length == 0) {
      System.exit(1);
    }
  }

  record Result(long[] latenciesNanos, long errors, long elapsedNanos, String firstError) {}

  private static Result run(
      HttpClient http, Supplier<HttpRequest> request, int threads, Duration length)
      throws InterruptedException {
    List<long[]> samples = new ArrayList<>();
    int[] counts = new int[threads];
    AtomicLong errors = new AtomicLong();
    String[] firstError = new String[1];
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long[] window = new long[2];
    for (int t = 0; t < threads; t++) {
      int id = t;
      samples.add(new long[1024]);
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                long end = window[1];
                while (System.nanoTime() < end) {
                  long start = System.nanoTime();
                  String error;
                  try {
                    HttpResponse<String> resp =
                        http.send(request.get(), HttpResponse.BodyHandlers.ofString());
                    error =
                        resp.statusCode() == 200 && resp.body().contains("\"APPROVED\"")
                            ? null
                            : "HTTP " + resp.statusCode() + " " + shorten(resp.body());
                  } catch (IOException e) {
                    error = e.toString();
                  } catch (InterruptedException e) {
                    return;
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
                  if (counts[id] == s.length) {
                    s = Arrays.copyOf(s, s.length * 2);
                    samples.set(id, s);
                  }
                  s[counts[id]++] = took;
                }
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
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples.get(t), 0, all, at, counts[t]);
      at += counts[t];
    }
    return new Result(all, errors.get(), elapsed, firstError[0]);
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
  private static SSLContext pinned(String fingerprint) throws Exception {
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
   * Signs DPoP proofs (RFC 9449) with the P-256 key {@code hoop login} stored next to the
   * credentials, using only the JDK, so the bench pays the same per-request cost as the CLI.
   */
  static final class Dpop {
    private static final Pattern FIELD = Pattern.compile("\"(kty|crv|x|y|d)\"\\s*:\\s*\"([^\"]+)\"");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final ECPrivateKey key;
    private final String header;
    private final String ath;
    private final SecureRandom random = new SecureRandom();

    /** BouncyCastle when its jar is on the class path, as the CLI signs with it; else SunEC. */
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

    private Dpop(ECPrivateKey key, String header, String ath) {
      this.key = key;
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
      if (!"EC".equals(jwk.get("kty")) || !"P-256".equals(jwk.get("crv")) || !jwk.containsKey("d")) {
        throw new IllegalArgumentException(file + " is not a P-256 private JWK");
      }
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
      BigInteger d = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("d")));
      ECPrivateKey key =
          (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, spec));
      String header =
          "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\""
              + jwk.get("x")
              + "\",\"y\":\""
              + jwk.get("y")
              + "\"}}";
      String ath =
          B64.encodeToString(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
      return new Dpop(key, B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)), ath);
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
        Signature es256 =
            BC == null
                ? Signature.getInstance("SHA256withECDSAinP1363Format")
                : Signature.getInstance("SHA256withPLAIN-ECDSA", BC);
        es256.initSign(key, random);
        es256.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(es256.sign());
      } catch (Exception e) {
        throw new IllegalStateException("cannot sign a DPoP proof: " + e, e);
      }
    }
  }
}
