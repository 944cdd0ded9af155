package io.hoop.tunnel.engine;

/**
 * Something an engine records about a session (a postgres statement, an ssh command, a file
 * transfer): each engine's event records implement this and reach the broker through one {@link
 * EngineListener}.
 */
public interface EngineEvent {}
