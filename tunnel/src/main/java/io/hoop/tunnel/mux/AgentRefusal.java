package io.hoop.tunnel.mux;

/**
 * Why the broker refused an agent; sent in a REFUSED frame, then the connection closes.
 *
 * @param code stable code, e.g. {@code unauthenticated}, {@code agent_not_allowed}
 * @param message one sentence naming the value and the rule
 */
public record AgentRefusal(String code, String message) {}
