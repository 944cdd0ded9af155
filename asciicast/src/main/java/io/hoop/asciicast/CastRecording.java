package io.hoop.asciicast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A validated asciicast v2 recording: its header and its events in time order. */
public record CastRecording(CastHeader header, List<CastEvent> events) {
  public CastRecording {
    requireNonNull(header, "header");
    events = List.copyOf(events);
  }

  /** Seconds from the start to the last event. */
  public double duration() {
    return events.isEmpty() ? 0 : events.get(events.size() - 1).time();
  }
}
