package io.hoop.api;

import java.time.Instant;

/**
 * One operation of a live session held for a reviewer ({@code GET /v1/holds}, {@code GET
 * /v1/holds/{id}}). {@code operation} is the exact text that runs if approved; it may contain
 * control characters, which clients render escaped.
 *
 * @param id {@code h-} and 12 characters
 * @param sessionId the tunnel session waiting for it
 * @param grantId the grant the session runs under
 * @param principal who asked for the operation (the grant's holder); never its approver
 * @param kind what it is: {@code exec}, {@code sql}, ...
 * @param operation the operation, at most 8192 characters
 * @param rule the rule that sent it to review
 * @param createdAt when it was held
 * @param expiresAt when it ends as expired unless decided: the target's hold timeout, or the
 *     grant's expiry when sooner
 * @param decidedBy the reviewer, or {@code hoop} for a timeout, cancel or ended grant; null while
 *     pending
 * @param decidedAt when it ended; null while pending
 * @param reason the deny reason, the approver's comment, or why it expired or was cancelled
 */
public record HeldOperation(
    String id,
    String sessionId,
    String grantId,
    String principal,
    String target,
    String task,
    String kind,
    String operation,
    String rule,
    HoldStatus status,
    Instant createdAt,
    Instant expiresAt,
    String decidedBy,
    Instant decidedAt,
    String reason) {}
