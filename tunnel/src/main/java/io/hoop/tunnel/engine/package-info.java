/**
 * The engine SPI: an {@link io.hoop.tunnel.engine.Engine} decides what happens to the bytes of an
 * accepted tunnel (where they go, which protocol handlers sit in front of the relay, how an
 * unreachable upstream is reported), its {@link io.hoop.tunnel.engine.EngineSession} hears about
 * expiry and goodbye, and what it records reaches the broker as {@link
 * io.hoop.tunnel.engine.EngineEvent}s through one {@link io.hoop.tunnel.engine.EngineListener}. A
 * {@link io.hoop.tunnel.engine.TargetKind} parses the config section of the targets an engine
 * serves into a {@link io.hoop.tunnel.engine.TargetSection}, from which the engine builds each
 * admitted tunnel's settings ({@link io.hoop.tunnel.engine.Engine#admit}). Events that are steps of
 * the session's timeline implement {@link io.hoop.tunnel.engine.SessionStep}; refused operations
 * implement {@link io.hoop.tunnel.engine.Refusal} (audited); operations that need a reviewer go to
 * {@link io.hoop.tunnel.engine.Holds}. {@link io.hoop.tunnel.engine.TcpEngine} is the trivial
 * engine; protocol engines live in their own modules ({@code engines/postgres}) and are registered
 * by name in {@link io.hoop.tunnel.engine.Engines}.
 */
package io.hoop.tunnel.engine;
