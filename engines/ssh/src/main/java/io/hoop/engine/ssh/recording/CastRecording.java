package io.hoop.engine.ssh.recording;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A validated asciicast v2 recording: its header and its events in time order. */
public record CastRecording(CastHeader header, List<CastEvent> events) {
  public CastRecording {
    requireNonNull(header, "header");
    events = List.copyOf(events);
  }
}
