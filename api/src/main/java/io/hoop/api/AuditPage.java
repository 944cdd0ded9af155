package io.hoop.api;

import java.util.List;

/**
 * {@code GET /v1/audit}: audit events in ascending {@code seq} order (descending with {@code
 * order=desc}).
 */
public record AuditPage(List<AuditEvent> events) {}
