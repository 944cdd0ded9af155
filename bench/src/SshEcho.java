import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Keystroke echo round trips through an interactive ssh session, in one dependency-free file: runs
 * the ssh command given after {@code --} (which must allocate a terminal and run {@code stty raw
 * -echo; echo READY; exec cat} on the remote side), waits for READY, then writes {@code --size}
 * bytes and reads them back {@code --warmup} + {@code --count} times, timing each round trip.
 *
 * <pre>
 * java bench/src/SshEcho.java --count 2000 [--size 64] [--warmup 200] -- \
 *   ssh -tt -e none HOST 'stty raw -echo; echo READY; exec cat'
 * </pre>
 *
 * Prints {@code p50_us=... p99_us=... mean_us=... count=N size=S} (each time from the write of a
 * payload to the last byte of its echo, through ssh's stdin and stdout pipes). The payload is
 * letters only: no newline, no escape character, nothing the raw terminal would act on.
 */
public final class SshEcho {

  private static final byte[] READY = "READY".getBytes(StandardCharsets.US_ASCII);

  private SshEcho() {}

  public static void main(String[] args) throws Exception {
    int count = 2000;
    int size = 64;
    int warmup = 200;
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i += 2) {
      if (i + 1 >= args.length) {
        usage("option " + args[i] + " needs a value");
      }
      int value = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--count" -> count = value;
        case "--size" -> size = value;
        case "--warmup" -> warmup = value;
        default -> usage("unknown option '" + args[i] + "'");
      }
    }
    if (i >= args.length - 1) {
      usage("missing -- and the ssh command");
    }
    if (count < 1 || size < 1 || warmup < 0) {
      usage("--count and --size must be at least 1 and --warmup at least 0");
    }
    List<String> command = Arrays.asList(Arrays.copyOfRange(args, i + 1, args.length));
    Process ssh =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      run(ssh, count, size, warmup);
    } finally {
      ssh.destroy();
      if (!ssh.waitFor(10, TimeUnit.SECONDS)) {
        ssh.destroyForcibly();
      }
    }
  }

  private static void run(Process ssh, int count, int size, int warmup) throws IOException {
    OutputStream out = ssh.getOutputStream();
    InputStream in = ssh.getInputStream();
    awaitReady(in);
    byte[] ping = new byte[size];
    for (int k = 0; k < size; k++) {
      ping[k] = (byte) ('a' + k % 26);
    }
    byte[] pong = new byte[size];
    long[] nanos = new long[count];
    for (int k = 0; k < warmup + count; k++) {
      long start = System.nanoTime();
      out.write(ping);
      out.flush();
      int n = in.readNBytes(pong, 0, size);
      long took = System.nanoTime() - start;
      if (n < size || !Arrays.equals(ping, pong)) {
        throw new IOException(
            "round trip " + k + ": sent " + size + " bytes, got back " + n + " different ones");
      }
      if (k >= warmup) {
        nanos[k - warmup] = took;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(
        Locale.ROOT,
        "p50_us=%.1f p99_us=%.1f mean_us=%.1f count=%d size=%d%n",
        percentile(nanos, 0.50) / 1e3,
        percentile(nanos, 0.99) / 1e3,
        Arrays.stream(nanos).average().orElse(0) / 1e3,
        count,
        size);
  }

  /** Reads up to and including the newline after READY; anything else before it is discarded. */
  private static void awaitReady(InputStream in) throws IOException {
    int matched = 0;
    boolean seen = false;
    for (int b; (b = in.read()) >= 0; ) {
      if (seen) {
        if (b == '\n') {
          return;
        }
        continue;
      }
      matched = b == READY[matched] ? matched + 1 : (b == READY[0] ? 1 : 0);
      seen = matched == READY.length;
    }
    throw new IOException("ssh ended before the remote side printed READY");
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static void usage(String problem) {
    System.err.println("SshEcho: " + problem);
    System.err.println(
        "usage: java SshEcho.java [--count N] [--size S] [--warmup W] -- ssh -tt HOST 'stty raw -echo; echo READY; exec cat'");
    System.exit(2);
  }
}
