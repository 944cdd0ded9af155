package io.hoop.cli.sessions.cast;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An asciicast v2 recording as the broker serves it, validated the way {@code asciinema play} reads
 * it: a header object ({@code version} 2, terminal {@code width} and {@code height}), then one
 * {@code [time, type, data]} event per line, with finite times that are not negative and never go
 * back, types {@code o}, {@code i}, {@code m} or {@code r} ({@code COLSxROWS}).
 *
 * @param width terminal columns
 * @param height terminal rows
 * @param idleTimeLimit the header's {@code idle_time_limit} in seconds; null when absent
 * @param events the events in order
 */
public record Cast(int width, int height, Double idleTimeLimit, List<Event> events) {
  /** The largest terminal dimension accepted. */
  static final int MAX_SIZE = 10_000;

  private static final Pattern RESIZE = Pattern.compile("[1-9][0-9]{0,4}x[1-9][0-9]{0,4}");
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /**
   * One event.
   *
   * @param time seconds since the recording started
   * @param type {@code o} output, {@code i} input, {@code m} marker, {@code r} resize
   */
  public record Event(double time, String type, String data) {
    public Event {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(data, "data");
    }
  }

  public Cast {
    events = List.copyOf(events);
  }

  /** Not an asciicast v2 file; the message names the line and what was expected. */
  public static final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message);
    }
  }

  /** Parses and validates {@code text}, a whole {@code .cast} file. */
  public static Cast parse(String text) throws FormatException {
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new FormatException("line 1: empty; expected an asciicast v2 header");
    }
    JsonNode h = json(1, lines.get(0));
    if (!h.isObject()) {
      throw new FormatException("line 1: expected the header object");
    }
    if (!h.path("version").isIntegralNumber() || h.path("version").asInt() != 2) {
      throw new FormatException("line 1: version is " + h.get("version") + "; expected 2");
    }
    int width = size(h, "width");
    int height = size(h, "height");
    JsonNode idle = h.path("idle_time_limit");
    Double idleLimit = null;
    if (!idle.isMissingNode() && !idle.isNull()) {
      if (!idle.isNumber() || !(idle.asDouble() > 0) || !Double.isFinite(idle.asDouble())) {
        throw new FormatException("line 1: idle_time_limit is " + idle + "; expected seconds > 0");
      }
      idleLimit = idle.asDouble();
    }
    List<Event> events = new ArrayList<>();
    double last = 0;
    for (int i = 1; i < lines.size(); i++) {
      int n = i + 1;
      if (lines.get(i).isBlank()) {
        continue;
      }
      Event e = event(n, json(n, lines.get(i)));
      if (e.time() < last) {
        throw new FormatException(
            "line " + n + ": time " + e.time() + " is before the previous event's " + last);
      }
      last = e.time();
      events.add(e);
    }
    return new Cast(width, height, idleLimit, events);
  }

  /** Seconds from the start to the last event. */
  public double duration() {
    return events.isEmpty() ? 0 : events.get(events.size() - 1).time();
  }

  private static int size(JsonNode h, String name) throws FormatException {
    JsonNode v = h.path(name);
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > MAX_SIZE) {
      throw new FormatException(
          "line 1: " + name + " is " + v + "; expected a whole number in 1.." + MAX_SIZE);
    }
    return v.asInt();
  }

  private static Event event(int n, JsonNode e) throws FormatException {
    if (!e.isArray() || e.size() != 3) {
      throw new FormatException("line " + n + ": expected [time, type, data]");
    }
    JsonNode t = e.get(0);
    if (!t.isNumber() || !Double.isFinite(t.asDouble()) || t.asDouble() < 0) {
      throw new FormatException("line " + n + ": the time is not a number of seconds >= 0");
    }
    if (!e.get(1).isTextual() || !e.get(2).isTextual()) {
      throw new FormatException("line " + n + ": type and data must be strings");
    }
    String type = e.get(1).asText();
    String data = e.get(2).asText();
    switch (type) {
      case "o", "i", "m" -> {}
      case "r" -> {
        if (!RESIZE.matcher(data).matches()) {
          throw new FormatException("line " + n + ": resize is not COLSxROWS");
        }
      }
      default -> throw new FormatException("line " + n + ": event type is not o, i, r or m");
    }
    return new Event(t.asDouble(), type, data);
  }

  private static JsonNode json(int n, String line) throws FormatException {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new FormatException("line " + n + ": not JSON (" + e.getOriginalMessage() + ")");
    }
  }
}
