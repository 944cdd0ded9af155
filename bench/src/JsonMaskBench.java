import io.hoop.engine.http.config.MaskRule;
import io.hoop.engine.http.config.MaskStyle;
import io.hoop.engine.http.mask.JsonMasker;
import io.hoop.engine.http.mask.MaskPlan;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The http engine's JSON masker alone, on the body bench/http serves (an array of customer records
 * padded to SIZE bytes), fed in CHUNK-byte pieces as netty hands them over: CPU time per MiB on this
 * thread, with the bench's two field rules (ssn redact, email partial) and with no rule at all
 * (Jackson's parse and write alone). Also checks that no ssn or e-mail is left in clear.
 *
 * <p>usage: java -cp 'packaging/target/hoop/lib/*:DIR' JsonMaskBench [SIZE (1048576)] [CHUNK
 * (16384)] [SECONDS (10)]
 */
public final class JsonMaskBench {
  public static void main(String[] args) throws Exception {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
    int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 16 * 1024;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    byte[] body = body(size);
    MaskPlan masked =
        new MaskPlan(
            List.of(
                new MaskRule("m[0]", "ssn", null, MaskStyle.REDACT),
                new MaskRule("m[1]", "email", null, MaskStyle.PARTIAL)),
            List.of(),
            MaskStyle.REDACT,
            new byte[32]);
    MaskPlan pointer =
        new MaskPlan(
            List.of(new MaskRule("m[0]", null, List.of("*", "ssn"), MaskStyle.REDACT)),
            List.of(),
            MaskStyle.REDACT,
            new byte[32]);
    check(masked, body, chunk);
    for (String name : List.of("fields", "pointer", "fields")) {
      MaskPlan plan = name.equals("fields") ? masked : pointer;
      run(name, plan, body, chunk, seconds);
    }
  }

  private static void check(MaskPlan plan, byte[] body, int chunk) throws Exception {
    StringBuilder out = new StringBuilder();
    mask(plan, body, chunk, (b, o, l) -> out.append(new String(b, o, l, StandardCharsets.UTF_8)));
    String s = out.toString();
    if (s.matches("(?s).*\"ssn\":\"[0-9].*") || s.matches("(?s).*[a-z0-9]@example\\.com.*")) {
      throw new IllegalStateException("an ssn or e-mail was left in clear");
    }
  }

  private static int mask(MaskPlan plan, byte[] body, int chunk, JsonMasker.Sink sink)
      throws Exception {
    JsonMasker m = new JsonMasker(plan, sink);
    for (int at = 0; at < body.length; at += chunk) {
      m.feed(body, at, Math.min(chunk, body.length - at));
    }
    m.finish();
    return m.masked();
  }

  private static void run(String name, MaskPlan plan, byte[] body, int chunk, int seconds)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] sink = new long[1];
    JsonMasker.Sink counting = (b, o, l) -> sink[0] += l;
    long warmEnd = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      mask(plan, body, chunk, counting);
    }
    long cpu0 = threads.getCurrentThreadCpuTime();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int n = 0;
    int maskedValues = 0;
    while (System.nanoTime() < end) {
      maskedValues = mask(plan, body, chunk, counting);
      n++;
    }
    double cpuMs = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
    double mib = (double) body.length * n / (1 << 20);
    System.out.printf(
        "%-8s %d bodies of %d bytes, %d values masked each: %.2f ms CPU per MiB%n",
        name, n, body.length, maskedValues, cpuMs / mib);
  }

  /** The body bench/http's make_json writes. */
  static byte[] body(int size) {
    StringBuilder out = new StringBuilder("[");
    int i = 0;
    while (true) {
      String rec =
          String.format(
              "{\"id\":%d,\"name\":\"customer %06d\",\"email\":\"customer%06d@example.com\","
                  + "\"ssn\":\"%03d-%02d-%04d\",\"balance\":%d.%02d,\"active\":%s,"
                  + "\"tags\":[\"retail\",\"eu\"]}",
              i, i, i, 100 + i % 800, 10 + i % 90, 1000 + i % 9000, i * 37 % 100000, i % 100,
              i % 2 == 1 ? "true" : "false");
      String sep = i > 0 ? "," : "";
      if (out.length() + sep.length() + rec.length() + 12 > size) {
        break;
      }
      out.append(sep).append(rec);
      i++;
    }
    int pad = size - out.length() - (i > 0 ? 1 : 0) - 11;
    out.append(i > 0 ? "," : "").append("{\"pad\":\"").append("x".repeat(pad)).append("\"}]");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
