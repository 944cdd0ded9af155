package io.hoop.api;

import java.time.Instant;
import java.util.Map;

/**
 * One audit record.
 *
 * @param seq position in the audit log, strictly increasing
 * @param time when it happened
 * @param type e.g. {@code login}, {@code grant.approved}, {@code grant.denied}, {@code
 *     tunnel.open}, {@code tunnel.close}, {@code tunnel.rejected}
 * @param principal who did it (may be null for rejected anonymous handshakes)
 * @param target target name, when relevant
 * @param grantId grant id, when relevant
 * @param task task id, when relevant
 * @param details event-specific fields (bytes each way, reason, remote address, ...)
 */
public record AuditEvent(
    long seq,
    Instant time,
    String type,
    String principal,
    String target,
    String grantId,
    String task,
    Map<String, Object> details) {}
