package io.hoop.broker.policy;

import java.time.Duration;

/**
 * What policy says about a grant request.
 *
 * @param approved true to grant at once, false to deny
 * @param reason a sentence for the requester and the audit trail
 * @param duration the lifetime to grant (already capped); zero when denied
 */
public record GrantDecision(boolean approved, String reason, Duration duration) {}
