package io.hoop.engine.http.mask;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Masks a text body (a pod's log, followed or not) line by line as it streams: bytes are held until
 * a line ends ({@code \n}), the line goes through the plan's content detectors, and is written
 * masked, or byte for byte when nothing was detected. Memory is bounded by {@link #MAX_LINE}: a
 * line longer than that is withheld whole (fail closed: a value cut at the bound could escape the
 * detectors) and replaced by one line saying so; its bytes are dropped up to the next newline. A
 * last line without a newline is masked when the body ends.
 *
 * <p>Not thread-safe; one per response.
 */
public final class LineMasker implements BodyMasker {
  /**
   * Longest line masked, in bytes (without its newline); longer ones are withheld. The e-mail
   * detector's cost grows with the square of a long token's length, so the bound is also what keeps
   * one hostile line from holding the event loop.
   */
  public static final int MAX_LINE = MaskPlan.MAX_SCANNED;

  /** The line written in place of one longer than {@link #MAX_LINE}. */
  public static final String WITHHELD =
      "[hoop: a line of more than " + MAX_LINE + " bytes was withheld: it cannot be masked]";

  private final MaskPlan plan;
  private final Masks masks;
  private final JsonMasker.Sink sink;
  private byte[] line = new byte[256];
  private int length;
  private boolean overlong;
  private boolean finished;
  private int masked;

  public LineMasker(MaskPlan plan, JsonMasker.Sink sink) {
    this.plan = requireNonNull(plan, "plan");
    this.masks = new Masks(plan.hashKey());
    this.sink = requireNonNull(sink, "sink");
  }

  @Override
  public int masked() {
    return masked;
  }

  @Override
  public void feed(byte[] bytes, int offset, int count) {
    if (finished) {
      throw new IllegalStateException("the masker is finished");
    }
    int end = offset + count;
    int i = offset;
    while (i < end) {
      int nl = -1;
      for (int j = i; j < end; j++) {
        if (bytes[j] == '\n') {
          nl = j;
          break;
        }
      }
      int stop = nl < 0 ? end : nl;
      append(bytes, i, stop - i);
      if (nl < 0) {
        return;
      }
      emit(true);
      i = nl + 1;
    }
  }

  @Override
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (length > 0 || overlong) {
      emit(false);
    }
  }

  private void append(byte[] bytes, int offset, int count) {
    if (overlong) {
      return;
    }
    if (length + count > MAX_LINE) {
      overlong = true;
      length = 0;
      line = new byte[256];
      return;
    }
    if (length + count > line.length) {
      line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, length + count)));
    }
    System.arraycopy(bytes, offset, line, length, count);
    length += count;
  }

  private void emit(boolean newline) {
    byte[] out;
    if (overlong) {
      masked++;
      out = WITHHELD.getBytes(StandardCharsets.UTF_8);
    } else {
      String text = new String(line, 0, length, StandardCharsets.UTF_8);
      String m = plan.detect(text, masks);
      if (m == null) {
        out = null;
      } else {
        masked++;
        out = m.getBytes(StandardCharsets.UTF_8);
      }
    }
    if (out == null) {
      sink.write(line, 0, length);
    } else {
      sink.write(out, 0, out.length);
    }
    if (newline) {
      sink.write(new byte[] {'\n'}, 0, 1);
    }
    length = 0;
    overlong = false;
    if (line.length > 4096) {
      line = new byte[256];
    }
  }
}
