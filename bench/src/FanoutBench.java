import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.tls.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Revoke fan-out across replicas: grants requested on the first replica, their tunnels opened
 * through the others (round robin), each grant revoked on the first replica by a reviewer; for
 * every tunnel, the time from sending the revoke to the end of its local connection (the other
 * replica heard of it through the store and closed it). Prints p50/p99/max over all tunnels.
 *
 * <p>usage: FanoutBench --urls A,B[,C] --fingerprint F --token-file ALICE --reviewer-token-file
 * BOB [--tunnels 1000] [--grants 50]
 */
public final class FanoutBench {
  private static final Pattern FIELD = Pattern.compile("\"(id|token)\"\\s*:\\s*\"([^\"]+)\"");

  private FanoutBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = GrantBench.options(args);
    String[] urls = GrantBench.required(o, "urls").split(",");
    String fingerprint = GrantBench.required(o, "fingerprint");
    Path aliceFile = Path.of(GrantBench.required(o, "token-file"));
    Path bobFile = Path.of(GrantBench.required(o, "reviewer-token-file"));
    int tunnels = Integer.parseInt(o.getOrDefault("tunnels", "1000"));
    int grants = Integer.parseInt(o.getOrDefault("grants", "50"));
    if (urls.length < 2) {
      throw new IllegalArgumentException("--urls needs at least two replicas");
    }
    String alice = GrantBench.token(aliceFile);
    String bob = GrantBench.token(bobFile);
    GrantBench.Dpop aliceKey = GrantBench.Dpop.load(aliceFile.resolveSibling("dpop.jwk"), alice);
    GrantBench.Dpop bobKey = GrantBench.Dpop.load(bobFile.resolveSibling("dpop.jwk"), bob);
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(GrantBench.pinned(fingerprint))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    URI first = URI.create(urls[0].strip());

    List<TunnelClient> clients = new ArrayList<>();
    List<String> grantIds = new ArrayList<>();
    List<List<SocketChannel>> byGrant = new ArrayList<>();
    Selector selector = Selector.open();
    int perGrant = (tunnels + grants - 1) / grants;
    int opened = 0;
    for (int g = 0; g < grants && opened < tunnels; g++) {
      String[] grant =
          post(http, first, "/v1/grants", alice, aliceKey, "{\"target\":\"bench\",\"task\":\"FAN-" + g + "\"}");
      String grantId = grant[0];
      String grantToken = grant[1];
      grantIds.add(grantId);
      List<SocketChannel> mine = new ArrayList<>();
      byGrant.add(mine);
      // Every other replica gets tunnels of this grant.
      for (int r = 1; r < urls.length; r++) {
        URI uri = URI.create(urls[r].strip());
        String htu = "urn:hoop:tunnel:" + grantId;
        TunnelClient client =
            TunnelClient.start(
                TunnelClientConfig.of(
                    uri.getHost(),
                    uri.getPort(),
                    Tls.clientPinned(fingerprint),
                    0,
                    () ->
                        new Handshake(
                            grantToken, alice, aliceKey == null ? null : aliceKey.proof("TUNNEL", htu)),
                    null));
        clients.add(client);
        int share = perGrant / (urls.length - 1) + (r <= perGrant % (urls.length - 1) ? 1 : 0);
        for (int i = 0; i < share && opened < tunnels; i++) {
          SocketChannel ch = SocketChannel.open(client.localAddress());
          ch.socket().setTcpNoDelay(true);
          roundTrip(ch);
          ch.configureBlocking(false);
          mine.add(ch);
          opened++;
        }
      }
    }
    System.out.printf(Locale.ROOT, "opened tunnels=%d grants=%d replicas=%d%n", opened, grantIds.size(), urls.length);
    System.out.flush();

    List<Long> latencies = new ArrayList<>();
    int lost = 0;
    for (int g = 0; g < grantIds.size(); g++) {
      List<SocketChannel> mine = byGrant.get(g);
      for (SocketChannel ch : mine) {
        ch.register(selector, SelectionKey.OP_READ);
      }
      // From the moment the reviewer sends the revoke: the user's view of the fan-out.
      long sent = System.nanoTime();
      post(http, first, "/v1/grants/" + grantIds.get(g) + "/revoke", bob, bobKey, "{\"reason\":\"bench\"}");
      int open = mine.size();
      long deadline = sent + Duration.ofSeconds(15).toNanos();
      ByteBuffer buf = ByteBuffer.allocate(256);
      while (open > 0 && System.nanoTime() < deadline) {
        selector.select(100);
        for (SelectionKey k : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) k.channel();
          int n;
          try {
            buf.clear();
            n = ch.read(buf);
          } catch (IOException reset) {
            n = -1;
          }
          if (n < 0) {
            latencies.add(System.nanoTime() - sent);
            k.cancel();
            ch.close();
            open--;
          }
        }
        selector.selectedKeys().clear();
      }
      lost += open;
      for (SocketChannel ch : mine) {
        ch.close();
      }
    }
    long[] lat = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(lat);
    System.out.printf(
        Locale.ROOT,
        "fanout tunnels=%d closed=%d not_closed_in_15s=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
        opened,
        lat.length,
        lost,
        GrantBench.percentile(lat, 0.50) / 1e6,
        GrantBench.percentile(lat, 0.99) / 1e6,
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
    for (TunnelClient c : clients) {
      c.close();
    }
  }

  private static void roundTrip(SocketChannel ch) throws IOException {
    ch.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
    ByteBuffer in = ByteBuffer.allocate(4);
    while (in.hasRemaining()) {
      if (ch.read(in) < 0) {
        throw new IOException("the tunnel closed before the echo answered");
      }
    }
  }

  /** POSTs JSON as the session holder; returns the reply's id and token (null when absent). */
  private static String[] post(
      HttpClient http, URI base, String path, String session, GrantBench.Dpop key, String body)
      throws Exception {
    URI uri = base.resolve(path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", (key == null ? "Bearer " : "DPoP ") + session)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("DPoP", key.proof("POST", uri.toString()));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    String id = null;
    String token = null;
    Matcher m = FIELD.matcher(r.body());
    while (m.find()) {
      if (m.group(1).equals("id") && id == null) {
        id = m.group(2);
      } else if (m.group(1).equals("token") && token == null) {
        token = m.group(2);
      }
    }
    return new String[] {id, token};
  }
}
