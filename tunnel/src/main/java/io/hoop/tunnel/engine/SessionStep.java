package io.hoop.tunnel.engine;

import io.hoop.api.SessionStatement;

/**
 * An event that is one step of a session's timeline (a postgres statement, an ssh command or file
 * transfer, an http request): the broker stores it and {@code hoop sessions show} lists it.
 */
public interface SessionStep extends EngineEvent {
  /** The step as stored, numbered {@code seq} within its session. */
  SessionStatement statement(int seq);
}
