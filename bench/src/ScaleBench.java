import io.hoop.api.ApiError;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.tls.Tls;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of bench/scale, run on the hoop distribution's class path (lib/*) together with
 * GrantBench.java (its TLS HTTP/1.1 client and DPoP signer):
 *
 * <pre>
 * echo    --port 0                          a netty echo server (the tcp target); prints listening port=P
 * tunnels --url U[,U2..] --fingerprint F[,F2..] --token-file T --count N --sample S --pings P
 *         --control DIR [--soak-seconds X] [--churn-percent 1]
 *     one grant per broker URL, then N tunnels through the real tunnel client (TunnelClient: the
 *     same handshake, DPoP TUNNEL proof and keepalives as `hoop connect`), spread round robin over
 *     the URLs; every tunnel is checked with one echoed byte; prints "opened ...". Waits for
 *     DIR/ping, pings S of them P times each (64 bytes) and prints "relay ...". With --soak-seconds
 *     it then keeps the sample pinging and every 10 s closes and reopens churn-percent of the
 *     tunnels, and prints "soak ...". Waits for DIR/stop, closes everything.
 * grants  --url U[,U2..] --fingerprint F[,F2..] --token-file T --concurrency C --seconds S
 *     C closed-loop requesters of auto-approved POST /v1/grants, requester i on URL i mod n; prints
 *     "grants ...".
 * </pre>
 *
 * <p>The URL lists are the replica hook: several brokers sharing one store take the same token.
 */
public final class ScaleBench {
  private static final Pattern FIELD = Pattern.compile("\"(id|token)\"\\s*:\\s*\"([^\"]+)\"");

  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ScaleBench echo|tunnels|grants --option value ...");
    }
    Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "echo" -> echo(Integer.parseInt(o.getOrDefault("port", "0")));
      case "tunnels" -> tunnels(o);
      case "grants" -> grants(o);
      default -> throw new IllegalArgumentException("unknown mode '" + args[0] + "'");
    }
  }

  // ---------------------------------------------------------------- echo

  private static void echo(int port) throws InterruptedException {
    EventLoopGroup group = Transports.newGroup(1, "echo");
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(Transports.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
                                ctx.close();
                              }
                            });
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println(
        "listening port=" + ((InetSocketAddress) server.localAddress()).getPort());
    System.out.flush();
    server.closeFuture().sync();
  }

  // ---------------------------------------------------------------- tunnels

  /** One broker: its tunnel client and the grant the tunnels use. */
  private record Broker(TunnelClient client, int localPort) {}

  private static final AtomicInteger opened = new AtomicInteger();
  private static final AtomicInteger refused = new AtomicInteger();
  private static final AtomicInteger failed = new AtomicInteger();
  private static final AtomicInteger closedByBroker = new AtomicInteger();
  private static final AtomicReference<String> firstProblem = new AtomicReference<>();

  private static void tunnels(Map<String, String> o) throws Exception {
    String[] urls = required(o, "url").split(",");
    String[] fps = required(o, "fingerprint").split(",");
    Path tokenFile = Path.of(required(o, "token-file"));
    int count = Integer.parseInt(required(o, "count"));
    int sample = Math.min(count, Integer.parseInt(o.getOrDefault("sample", "100")));
    int pings = Integer.parseInt(o.getOrDefault("pings", "200"));
    Path control = Path.of(required(o, "control"));
    long soakSeconds = Long.parseLong(o.getOrDefault("soak-seconds", "0"));
    double churn = Double.parseDouble(o.getOrDefault("churn-percent", "1"));
    String token = sessionToken(tokenFile);
    GrantBench.Dpop dpop = GrantBench.Dpop.load(tokenFile.resolveSibling("dpop.jwk"), token);

    List<Broker> brokers = new ArrayList<>();
    for (int i = 0; i < urls.length; i++) {
      URI uri = URI.create(urls[i].strip());
      String fp = fps[Math.min(i, fps.length - 1)].strip();
      String[] grant = grant(uri, fp, token, dpop);
      String grantId = grant[0];
      String grantToken = grant[1];
      String htu = "urn:hoop:tunnel:" + grantId;
      TunnelClient client =
          TunnelClient.start(
              TunnelClientConfig.of(
                  uri.getHost(),
                  uri.getPort(),
                  Tls.clientPinned(fp),
                  0,
                  () ->
                      new Handshake(
                          grantToken,
                          token,
                          dpop == null ? null : dpop.proof("TUNNEL", htu)),
                  new Counting()));
      brokers.add(new Broker(client, client.localAddress().getPort()));
    }

    long t0 = System.nanoTime();
    SocketChannel[] tunnels = new SocketChannel[count];
    for (int i = 0; i < count; i++) {
      // At most 256 handshakes in flight: a client that opens 10k at once measures the
      // broker's queue, not its steady state.
      while (i - (opened.get() + refused.get() + failed.get()) >= 256) {
        Thread.sleep(1);
      }
      tunnels[i] = open(brokers.get(i % brokers.size()).localPort());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (opened.get() + refused.get() + failed.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    int broken = 0;
    ByteBuffer one = ByteBuffer.allocate(1);
    for (SocketChannel t : tunnels) {
      if (!roundTrip(t, one)) {
        broken++;
      }
    }
    double openSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "opened tunnels=%d relaying=%d refused=%d failed=%d seconds=%.1f per_s=%.0f first_problem=%s%n",
        count,
        count - broken,
        refused.get(),
        failed.get(),
        openSeconds,
        count / openSeconds,
        oneWord(firstProblem.get()));
    System.out.flush();

    await(control.resolve("ping"));
    long[] lat = ping(tunnels, sample, pings);
    System.out.printf(
        Locale.ROOT,
        "relay sample=%d pings=%d errors=%d p50_us=%.0f p99_us=%.0f max_us=%.0f%n",
        sample,
        lat.length,
        sample * pings - lat.length,
        percentile(lat, 0.50) / 1e3,
        percentile(lat, 0.99) / 1e3,
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1e3);
    System.out.flush();

    if (soakSeconds > 0) {
      soak(tunnels, brokers, sample, soakSeconds, churn);
    }

    await(control.resolve("stop"));
    for (SocketChannel t : tunnels) {
      t.close();
    }
    for (Broker b : brokers) {
      b.client().close();
    }
  }

  /**
   * The soak: the sample pings once a second each, and every 10 s churn-percent of the other
   * tunnels are closed and opened again (handshake, relay setup and teardown: where a leaked
   * buffer would show).
   */
  private static void soak(
      SocketChannel[] tunnels, List<Broker> brokers, int sample, long seconds, double churnPercent)
      throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long nextChurn = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int perChurn = (int) Math.max(1, Math.round((tunnels.length - sample) * churnPercent / 100));
    long churned = 0;
    long pingErrors = 0;
    long reopenErrors = 0;
    List<long[]> all = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.allocate(64);
    while (System.nanoTime() < end) {
      long[] lat = new long[sample];
      int n = 0;
      for (int i = 0; i < sample; i++) {
        long start = System.nanoTime();
        if (roundTrip(tunnels[i], buf)) {
          lat[n++] = System.nanoTime() - start;
        } else {
          pingErrors++;
        }
      }
      all.add(Arrays.copyOf(lat, n));
      if (System.nanoTime() >= nextChurn && tunnels.length > sample) {
        int before = opened.get() + refused.get() + failed.get();
        for (int k = 0; k < perChurn; k++) {
          int i = sample + ThreadLocalRandom.current().nextInt(tunnels.length - sample);
          tunnels[i].close();
          tunnels[i] = open(brokers.get(i % brokers.size()).localPort());
        }
        long wait = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (opened.get() + refused.get() + failed.get() < before + perChurn
            && System.nanoTime() < wait) {
          Thread.sleep(5);
        }
        churned += perChurn;
        nextChurn += Duration.ofSeconds(10).toNanos();
      }
      Thread.sleep(1000);
    }
    // Every reopened tunnel still relays.
    ByteBuffer one = ByteBuffer.allocate(1);
    for (SocketChannel t : tunnels) {
      if (!roundTrip(t, one)) {
        reopenErrors++;
      }
    }
    long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "soak seconds=%d churned=%d refused=%d failed=%d closed_by_broker=%d ping_errors=%d"
            + " not_relaying_at_end=%d p50_us=%.0f p99_us=%.0f first_problem=%s%n",
        seconds,
        churned,
        refused.get(),
        failed.get(),
        closedByBroker.get(),
        pingErrors,
        reopenErrors,
        percentile(lat, 0.50) / 1e3,
        percentile(lat, 0.99) / 1e3,
        oneWord(firstProblem.get()));
    System.out.flush();
  }

  /** Counts tunnel outcomes; keeps the first refusal or failure for the report. */
  private static final class Counting implements TunnelClient.Listener {
    @Override
    public void opened(HandshakeReply reply) {
      opened.incrementAndGet();
    }

    @Override
    public void refused(ApiError error) {
      refused.incrementAndGet();
      firstProblem.compareAndSet(null, "refused:" + error.code() + ":" + error.message());
    }

    @Override
    public void failed(String message, Throwable cause) {
      failed.incrementAndGet();
      firstProblem.compareAndSet(null, "failed:" + message);
    }

    @Override
    public void closed(CloseNotice notice, long bytesUp, long bytesDown) {
      if (notice != null) {
        closedByBroker.incrementAndGet();
        firstProblem.compareAndSet(null, "closed:" + notice.code());
      }
    }
  }

  private static SocketChannel open(int port) throws IOException {
    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    ch.socket().setTcpNoDelay(true);
    ch.socket().setSoTimeout(30_000);
    return ch;
  }

  /** Writes the buffer's bytes and reads as many back; false when the tunnel does not echo. */
  private static boolean roundTrip(SocketChannel ch, ByteBuffer buf) {
    try {
      buf.clear();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
      // Blocking channel reads ignore SO_TIMEOUT: read through the socket's stream instead.
      var in = ch.socket().getInputStream();
      int got = 0;
      byte[] b = buf.array();
      while (got < b.length) {
        int n = in.read(b, got, b.length - got);
        if (n < 0) {
          return false;
        }
        got += n;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code sample} tunnels pinged {@code pings} times each, from 4 threads; sorted nanos. */
  private static long[] ping(SocketChannel[] tunnels, int sample, int pings)
      throws InterruptedException {
    int threads = Math.min(4, Math.max(1, sample));
    List<long[]> results = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      int id = t;
      long[] lat = new long[((sample + threads - 1) / threads) * pings];
      int[] n = new int[1];
      results.add(lat);
      Thread w =
          new Thread(
              () -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int p = 0; p < pings; p++) {
                  for (int i = id; i < sample; i += threads) {
                    long start = System.nanoTime();
                    if (roundTrip(tunnels[i], buf)) {
                      lat[n[0]++] = System.nanoTime() - start;
                    }
                  }
                }
                synchronized (results) {
                  results.set(id, Arrays.copyOf(lat, n[0]));
                }
              },
              "ping-" + t);
      workers.add(w);
      w.start();
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    return results.stream().flatMapToLong(Arrays::stream).sorted().toArray();
  }

  private static void await(Path file) throws InterruptedException {
    while (!Files.exists(file)) {
      Thread.sleep(100);
    }
  }

  /** POST /v1/grants on one broker: {grant id, grant token}. */
  private static String[] grant(URI base, String fp, String token, GrantBench.Dpop dpop)
      throws Exception {
    URI grants = URI.create(base + "/v1/grants");
    byte[] body =
        "{\"target\":\"bench\",\"task\":\"BENCH-1\",\"reason\":\"bench/scale\"}"
            .getBytes(StandardCharsets.UTF_8);
    GrantBench.Http1 http = new GrantBench.Http1(GrantBench.pinned(fp), grants);
    try {
      GrantBench.Http1.Response r =
          http.post(
              grants.getRawPath(),
              (dpop == null ? "Bearer " : "DPoP ") + token,
              dpop == null ? null : dpop.proof("POST", grants.toString()),
              body);
      if (r.status() != 200 || !r.body().contains("\"APPROVED\"")) {
        throw new IOException("grant refused by " + base + ": HTTP " + r.status() + " " + r.body());
      }
      Map<String, String> f = new HashMap<>();
      Matcher m = FIELD.matcher(r.body());
      while (m.find()) {
        f.putIfAbsent(m.group(1), m.group(2));
      }
      return new String[] {f.get("id"), f.get("token")};
    } finally {
      http.close();
    }
  }

  // ---------------------------------------------------------------- grants

  private static void grants(Map<String, String> o) throws Exception {
    String[] urls = required(o, "url").split(",");
    String[] fps = required(o, "fingerprint").split(",");
    Path tokenFile = Path.of(required(o, "token-file"));
    int clients = Integer.parseInt(o.getOrDefault("concurrency", "200"));
    int seconds = Integer.parseInt(o.getOrDefault("seconds", "20"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup-seconds", "10"));
    String token = sessionToken(tokenFile);
    GrantBench.Dpop dpop = GrantBench.Dpop.load(tokenFile.resolveSibling("dpop.jwk"), token);
    byte[] body =
        "{\"target\":\"bench\",\"task\":\"BENCH-1\",\"reason\":\"bench/scale\"}"
            .getBytes(StandardCharsets.UTF_8);
    String auth = (dpop == null ? "Bearer " : "DPoP ") + token;
    if (warmup > 0) {
      runGrants(urls, fps, auth, dpop, body, clients, warmup);
    }
    long[][] r = runGrants(urls, fps, auth, dpop, body, clients, seconds);
    long[] lat = r[0];
    System.out.printf(
        Locale.ROOT,
        "grants clients=%d brokers=%d requests=%d errors=%d grants_per_s=%.0f p50_ms=%.1f"
            + " p99_ms=%.1f max_ms=%.1f first_error=%s%n",
        clients,
        urls.length,
        lat.length,
        r[1][0],
        lat.length / (r[1][1] / 1e9),
        percentile(lat, 0.50) / 1e6,
        percentile(lat, 0.99) / 1e6,
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6,
        oneWord(firstProblem.get()));
  }

  /** {sorted latencies}, {errors, elapsed nanos}. */
  private static long[][] runGrants(
      String[] urls,
      String[] fps,
      String auth,
      GrantBench.Dpop dpop,
      byte[] body,
      int clients,
      int seconds)
      throws Exception {
    AtomicLong errors = new AtomicLong();
    List<long[]> lats = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    for (int c = 0; c < clients; c++) {
      URI grants = URI.create(urls[c % urls.length].strip() + "/v1/grants");
      GrantBench.Http1 http =
          new GrantBench.Http1(
              GrantBench.pinned(fps[Math.min(c % urls.length, fps.length - 1)].strip()), grants);
      long[][] mine = {new long[1024]};
      int[] n = new int[1];
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                while (System.nanoTime() < window[1]) {
                  long start = System.nanoTime();
                  String error;
                  try {
                    GrantBench.Http1.Response resp =
                        http.post(
                            grants.getRawPath(),
                            auth,
                            dpop == null ? null : dpop.proof("POST", grants.toString()),
                            body);
                    error =
                        resp.status() == 200 && resp.body().contains("\"APPROVED\"")
                            ? null
                            : "HTTP " + resp.status() + " " + resp.body();
                  } catch (IOException | RuntimeException e) {
                    error = e.toString();
                  }
                  if (error != null) {
                    errors.incrementAndGet();
                    firstProblem.compareAndSet(null, error);
                    continue;
                  }
                  if (n[0] == mine[0].length) {
                    mine[0] = Arrays.copyOf(mine[0], n[0] * 2);
                  }
                  mine[0][n[0]++] = System.nanoTime() - start;
                }
                http.close();
                synchronized (lats) {
                  lats.add(Arrays.copyOf(mine[0], n[0]));
                }
              },
              "grants-" + c);
      w.setDaemon(true);
      workers.add(w);
      w.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + Duration.ofSeconds(seconds).toNanos();
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }
    long elapsed = System.nanoTime() - window[0];
    long[] all = lats.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new long[][] {all, {errors.get(), elapsed}};
  }

  // ---------------------------------------------------------------- helpers

  private static final Pattern SESSION_TOKEN =
      Pattern.compile("\"sessionToken\"\\s*:\\s*\"([^\"]+)\"");

  private static String sessionToken(Path file) throws IOException {
    Matcher m = SESSION_TOKEN.matcher(Files.readString(file, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IOException(file + " holds no sessionToken");
    }
    return m.group(1);
  }

  private static String oneWord(String s) {
    if (s == null) {
      return "-";
    }
    String w = s.replaceAll("\\s+", "_");
    return w.length() > 300 ? w.substring(0, 300) + "..." : w;
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
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
}
