package io.hoop.asciicast;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Writes a terminal session as asciicast v2: the header line, then {@code [t, "o", data]} output,
 * {@code [t, "r", "COLSxROWS"]} resizes and, only when the role records input, {@code [t, "i",
 * data]} keystrokes. Bytes may arrive split anywhere; UTF-8 sequences cut across chunks are joined.
 *
 * <p>Input is never recorded while the terminal does not echo. The broker cannot read the target's
 * terminal modes (the pty lives on the target), so input is kept only once the terminal echoed it
 * back ({@link EchoedInput}: typed text that does not come back in the output before the line ends
 * is dropped), and written when its echo arrives. On top of that, a heuristic ({@link
 * SecretPromptDetector}) drops the line typed after a password-like prompt, and {@link
 * #echo(boolean)} drops everything while the bridge knows echo is off. When in doubt, turn input
 * recording off for the role.
 *
 * <p>Thread-safe; methods after {@link #close()} do nothing.
 */
public final class AsciicastWriter implements Closeable {
  private final Writer out;
  private final LongSupplier nanoTime;
  private final long start;
  private final boolean recordInput;
  private final Utf8Stream output = new Utf8Stream();
  private final Utf8Stream input = new Utf8Stream();
  private final SecretPromptDetector prompts = new SecretPromptDetector();
  private final EchoedInput echoed = new EchoedInput();
  private boolean echo = true;
  private boolean closed;

  /**
   * Starts a recording on {@code out} (closed with this writer); {@code nanoTime} is the clock
   * ({@code System::nanoTime} outside tests).
   */
  public AsciicastWriter(
      OutputStream out, CastHeader header, boolean recordInput, LongSupplier nanoTime)
      throws IOException {
    this.out =
        new BufferedWriter(
            new OutputStreamWriter(requireNonNull(out, "out"), StandardCharsets.UTF_8));
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.recordInput = recordInput;
    this.start = nanoTime.getAsLong();
    requireNonNull(header, "header");
    this.out.write(
        "{\"version\": 2, \"width\": "
            + header.width()
            + ", \"height\": "
            + header.height()
            + ", \"timestamp\": "
            + header.timestamp()
            + ", \"env\": {\"TERM\": "
            + quote(header.term())
            + "}, \"title\": "
            + quote(header.title())
            + "}\n");
  }

  /** Bytes the target wrote to the terminal. */
  public synchronized void output(byte[] data, int off, int len) throws IOException {
    if (closed) {
      return;
    }
    String text = output.decode(data, off, len);
    prompts.output(text);
    if (recordInput) {
      for (String in : echoed.output(text, nanoTime.getAsLong())) {
        event("i", in);
      }
    }
    event("o", text);
  }

  /**
   * Bytes the user typed; recorded only when the role records input, once the terminal echoed them.
   */
  public synchronized void input(byte[] data, int off, int len) throws IOException {
    if (closed || !recordInput) {
      return;
    }
    if (!echo || prompts.secret()) {
      input.discard();
      prompts.input(new String(data, off, len, StandardCharsets.ISO_8859_1));
      return;
    }
    String text = input.decode(data, off, len);
    prompts.input(text);
    for (String in : echoed.typed(text, nanoTime.getAsLong())) {
      event("i", in);
    }
  }

  /** The terminal's echo state as the bridge knows it; input is dropped while it is off. */
  public synchronized void echo(boolean on) {
    if (!on) {
      input.discard();
      echoed.clear();
    }
    echo = on;
  }

  /** The client's window changed. */
  public synchronized void resize(int width, int height) throws IOException {
    if (closed || width <= 0 || height <= 0) {
      return;
    }
    event("r", width + "x" + height);
  }

  public synchronized void flush() throws IOException {
    if (!closed) {
      out.flush();
    }
  }

  /** Writes what is held back of a split sequence, then closes the stream. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    event("o", output.finish());
    closed = true;
    out.close();
  }

  private void event(String type, String data) throws IOException {
    if (data.isEmpty()) {
      return;
    }
    double t = Math.max(0, nanoTime.getAsLong() - start) / 1e9;
    out.write(
        "[" + String.format(Locale.ROOT, "%.6f", t) + ", \"" + type + "\", " + quote(data) + "]\n");
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }
}
