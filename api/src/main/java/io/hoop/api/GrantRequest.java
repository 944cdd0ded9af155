package io.hoop.api;

/**
 * {@code POST /v1/grants}: ask for just-in-time access to a target, tied to a task.
 *
 * @param target target name
 * @param task task id the access is for, e.g. {@code JIRA-123}
 * @param reason free-text justification, may be null
 * @param durationSeconds requested lifetime; 0 means the target's default
 * @param role requested role, may be null for the target's default
 */
public record GrantRequest(
    String target, String task, String reason, long durationSeconds, String role) {}
