package io.hoop.asciicast;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and validates an asciicast v2 file (for replay and export): a header object with {@code
 * version} 2 and a terminal size, then one event per line, {@code [time, type, data]}, with times
 * that are finite, not negative and never go back, types {@code o}, {@code i}, {@code r} (data
 * {@code COLSxROWS}) or {@code m}, as {@code asciinema play} reads it. Lines (so the header too),
 * the nesting of JSON values and the number of events are bounded, so a hostile file costs at most
 * that much memory before it is refused; the message names the line and what was expected.
 */
public final class CastReader {
  /** The largest terminal dimension accepted. */
  public static final int MAX_SIZE = 10_000;

  public static final int MAX_LINE = 1 << 20;
  public static final int MAX_EVENTS = 5_000_000;

  private static final Pattern RESIZE = Pattern.compile("^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$");
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(8)
                          .maxStringLength(MAX_LINE)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private CastReader() {}

  /** Reads a whole recording held in a string. */
  public static CastRecording read(String text) throws CastFormatException {
    try {
      return read(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException("a StringReader failed", e);
    }
  }

  /** Reads the whole recording from {@code in}. */
  public static CastRecording read(Reader in) throws IOException, CastFormatException {
    LineReader lines = new LineReader(in);
    String first = lines.next();
    if (first == null) {
      throw new CastFormatException("line 1: the file is empty; expected an asciicast v2 header");
    }
    CastHeader header = header(first);
    List<CastEvent> events = new ArrayList<>();
    double last = 0;
    for (String line; (line = lines.next()) != null; ) {
      int n = lines.number;
      if (line.isBlank()) {
        continue;
      }
      if (events.size() >= MAX_EVENTS) {
        throw new CastFormatException("line " + n + ": more than " + MAX_EVENTS + " events");
      }
      CastEvent e = event(n, line);
      if (e.time() < last) {
        throw new CastFormatException(
            "line " + n + ": time " + e.time() + " is before the previous event's " + last);
      }
      last = e.time();
      events.add(e);
    }
    return new CastRecording(header, events);
  }

  private static CastHeader header(String line) throws CastFormatException {
    JsonNode h = parse(1, line);
    if (!h.isObject()) {
      throw new CastFormatException("line 1: expected the header object");
    }
    if (!h.path("version").isIntegralNumber() || h.path("version").asInt() != 2) {
      throw new CastFormatException(
          "line 1: version is " + shorten(String.valueOf(h.get("version"))) + "; expected 2");
    }
    int width = size(h, "width");
    int height = size(h, "height");
    JsonNode ts = h.path("timestamp");
    long timestamp = ts.isIntegralNumber() ? ts.asLong() : 0;
    JsonNode term = h.path("env").path("TERM");
    JsonNode title = h.path("title");
    JsonNode idle = h.path("idle_time_limit");
    Double idleLimit = null;
    if (!idle.isMissingNode() && !idle.isNull()) {
      if (!idle.isNumber() || !(idle.asDouble() > 0) || !Double.isFinite(idle.asDouble())) {
        throw new CastFormatException(
            "line 1: idle_time_limit is " + shorten(idle.toString()) + "; expected seconds > 0");
      }
      idleLimit = idle.asDouble();
    }
    return new CastHeader(
        width,
        height,
        timestamp,
        term.isTextual() ? term.asText() : "",
        title.isTextual() ? title.asText() : "",
        idleLimit);
  }

  private static int size(JsonNode h, String name) throws CastFormatException {
    JsonNode v = h.path(name);
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > MAX_SIZE) {
      throw new CastFormatException(
          "line 1: "
              + name
              + " is "
              + shorten(v.toString())
              + "; expected a whole number in 1.."
              + MAX_SIZE);
    }
    return v.asInt();
  }

  private static CastEvent event(int n, String line) throws CastFormatException {
    JsonNode e = parse(n, line);
    if (!e.isArray() || e.size() != 3) {
      throw new CastFormatException("line " + n + ": expected [time, type, data]");
    }
    JsonNode t = e.get(0);
    if (!t.isNumber() || !Double.isFinite(t.asDouble()) || t.asDouble() < 0) {
      throw new CastFormatException("line " + n + ": the time is not a number of seconds >= 0");
    }
    if (!e.get(1).isTextual() || !e.get(2).isTextual()) {
      throw new CastFormatException("line " + n + ": type and data must be strings");
    }
    String type = e.get(1).asText();
    String data = e.get(2).asText();
    switch (type) {
      case "o", "i", "m" -> {}
      case "r" -> {
        if (!RESIZE.matcher(data).matches()) {
          throw new CastFormatException(
              "line " + n + ": resize '" + shorten(data) + "' is not COLSxROWS");
        }
      }
      default ->
          throw new CastFormatException(
              "line " + n + ": event type '" + shorten(type) + "' is not o, i, r or m");
    }
    return new CastEvent(t.asDouble(), type, data);
  }

  private static JsonNode parse(int n, String line) throws CastFormatException {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new CastFormatException("line " + n + ": not JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private static String shorten(String s) {
    return s.length() > 20 ? s.substring(0, 20) + "..." : s;
  }

  /** Lines of at most {@link #MAX_LINE} characters. */
  private static final class LineReader {
    private final Reader in;
    private int number;
    private boolean eof;

    LineReader(Reader in) {
      this.in = in;
    }

    String next() throws IOException, CastFormatException {
      if (eof) {
        return null;
      }
      StringBuilder b = new StringBuilder();
      number++;
      for (int c; ; ) {
        c = in.read();
        if (c < 0) {
          eof = true;
          return b.isEmpty() ? null : b.toString();
        }
        if (c == '\n') {
          return b.toString();
        }
        if (b.length() >= MAX_LINE) {
          throw new CastFormatException(
              "line " + number + ": longer than " + MAX_LINE + " characters");
        }
        b.append((char) c);
      }
    }
  }
}
