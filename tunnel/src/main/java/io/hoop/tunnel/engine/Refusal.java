package io.hoop.tunnel.engine;

/**
 * An event that records an operation the engine refused by policy (a denied command, a blocked
 * request): besides its place in the session's timeline, the broker audits it as {@code
 * <engine>.denied} with these fields.
 */
public interface Refusal extends EngineEvent {
  /** What was refused: {@code exec}, {@code sftp}, {@code direct-tcpip}, {@code request}, ... */
  String kind();

  /** The operation, as recorded (a command line, a path); no secrets. */
  String detail();

  /** Why, naming the rule. */
  String reason();
}
