package io.hoop.api;

import java.time.Instant;

/**
 * One approval of a pending grant.
 *
 * @param approver principal who approved
 * @param at when
 * @param comment free text, may be null
 * @param stage the approval stage it counted for (0-based), for targets with staged approvals
 */
public record Approval(String approver, Instant at, String comment, int stage) {}
