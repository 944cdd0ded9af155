import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * TCP benchmark endpoints and clients in one dependency-free file, run as {@code java
 * bench/src/NetBench.java MODE [--option value]...}.
 *
 * <pre>
 * sink       --port P [--bind A]     accept connections, count and discard everything; on EOF reply
 *                                    with the byte count (8 bytes, big-endian) and close
 * echo       --port P [--bind A]     accept connections, write back everything read
 * throughput --host H --port P --bytes N
 *                                    send N bytes in 64 KiB writes, shut output, wait for the sink to
 *                                    close; prints throughput_mb_s=... (MB = 10^6 bytes)
 * latency    --host H --port P --count N [--size 64] [--warmup 1000]
 *                                    ping-pong against echo; prints p50_us=... p99_us=... mean_us=...
 * </pre>
 *
 * Servers print {@code listening port=P} on stdout once bound, so {@code --port 0} works.
 */
public final class NetBench {

  private static final int CHUNK = 64 * 1024;

  private NetBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage("missing mode");
    }
    Map<String, String> options = parseOptions(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "sink" -> serve(options, NetBench::sink);
      case "echo" -> serve(options, NetBench::echo);
      case "throughput" -> throughput(options);
      case "latency" -> latency(options);
      default -> usage("unknown mode '" + args[0] + "'");
    }
  }

  /** What a server does with one accepted connection. */
  private interface Handler {
    void handle(Socket socket) throws IOException;
  }

  private static void serve(Map<String, String> options, Handler handler) throws IOException {
    InetAddress bind = InetAddress.getByName(options.getOrDefault("bind", "127.0.0.1"));
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(bind, intOption(options, "port")), 128);
    System.out.println("listening port=" + server.getLocalPort());
    System.out.flush();
    while (true) {
      Socket socket = server.accept();
      Thread worker =
          new Thread(
              () -> {
                try (socket) {
                  socket.setTcpNoDelay(true);
                  handler.handle(socket);
                } catch (IOException e) {
                  System.err.println("connection " + socket.getRemoteSocketAddress() + ": " + e);
                }
              },
              "conn-" + socket.getPort());
      worker.setDaemon(true);
      worker.start();
    }
  }

  private static void sink(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[CHUNK];
    long total = 0;
    long start = System.nanoTime();
    for (int n; (n = in.read(buffer)) >= 0; ) {
      total += n;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // The count lets the client check that every byte crossed the path under test.
    OutputStream out = socket.getOutputStream();
    out.write(ByteBuffer.allocate(Long.BYTES).putLong(total).array());
    out.flush();
    System.err.printf(
        Locale.ROOT, "sink: received %d bytes in %.3f s from %s%n", total, seconds,
        socket.getRemoteSocketAddress());
  }

  private static void echo(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] buffer = new byte[CHUNK];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      out.write(buffer, 0, n);
      out.flush();
    }
  }

  private static void throughput(Map<String, String> options) throws IOException {
    long bytes = longOption(options, "bytes");
    byte[] chunk = new byte[CHUNK];
    Arrays.fill(chunk, (byte) 'x');
    try (Socket socket = connect(options)) {
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      for (long left = bytes; left > 0; ) {
        int n = (int) Math.min(CHUNK, left);
        out.write(chunk, 0, n);
        left -= n;
      }
      out.flush();
      socket.shutdownOutput();
      // The clock stops when the sink has seen EOF and closed, not when our buffers are empty.
      byte[] reply = socket.getInputStream().readAllBytes();
      double seconds = (System.nanoTime() - start) / 1e9;
      String confirmed =
          reply.length == Long.BYTES
              ? Long.toString(ByteBuffer.wrap(reply).getLong())
              : "unknown(" + reply.length + " reply bytes)";
      System.out.printf(
          Locale.ROOT,
          "throughput_mb_s=%.1f bytes=%d seconds=%.3f confirmed_bytes=%s%n",
          bytes / seconds / 1e6,
          bytes,
          seconds,
          confirmed);
      if (reply.length == Long.BYTES && ByteBuffer.wrap(reply).getLong() != bytes) {
        System.err.println("throughput: sent " + bytes + " bytes but the sink received " + confirmed);
        System.exit(1);
      }
    }
  }

  private static void latency(Map<String, String> options) throws IOException {
    int count = intOption(options, "count");
    int size = Integer.parseInt(options.getOrDefault("size", "64"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "1000"));
    if (count < 1 || size < 1) {
      usage("--count and --size must be at least 1, got " + count + " and " + size);
    }
    byte[] ping = new byte[size];
    Arrays.fill(ping, (byte) 'p');
    byte[] pong = new byte[size];
    long[] nanos = new long[count];
    try (Socket socket = connect(options)) {
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (int i = 0; i < warmup + count; i++) {
        long start = System.nanoTime();
        out.write(ping);
        out.flush();
        in.readFully(pong);
        if (i >= warmup) {
          nanos[i - warmup] = System.nanoTime() - start;
        }
      }
    } catch (EOFException e) {
      throw new IOException("echo closed the connection before answering every ping", e);
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0);
    System.out.printf(
        Locale.ROOT,
        "p50_us=%.1f p99_us=%.1f mean_us=%.1f count=%d size=%d%n",
        percentile(nanos, 0.50) / 1e3,
        percentile(nanos, 0.99) / 1e3,
        mean / 1e3,
        count,
        size);
  }

  private static long percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static Socket connect(Map<String, String> options) throws IOException {
    Socket socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(
        new InetSocketAddress(options.getOrDefault("host", "127.0.0.1"), intOption(options, "port")),
        10_000);
    return socket;
  }

  private static Map<String, String> parseOptions(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        usage("expected --name value pairs, got '" + args[i] + "'");
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static int intOption(Map<String, String> options, String name) {
    return (int) longOption(options, name);
  }

  private static long longOption(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      usage("missing --" + name);
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      usage("--" + name + " must be a number, got '" + value + "'");
      return 0;
    }
  }

  private static void usage(String problem) {
    System.err.println("NetBench: " + problem);
    System.err.println(
        "usage: java NetBench.java sink|echo --port P [--bind A]\n"
            + "       java NetBench.java throughput --host H --port P --bytes N\n"
            + "       java NetBench.java latency --host H --port P --count N [--size 64]"
            + " [--warmup 1000]");
    System.exit(2);
  }
}
