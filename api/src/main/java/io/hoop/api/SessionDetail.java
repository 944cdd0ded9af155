package io.hoop.api;

import java.util.List;

/**
 * {@code GET /v1/sessions/{id}}: a session and its statements in order.
 *
 * @param session the session
 * @param statements its recorded statements, oldest first
 */
public record SessionDetail(SessionSummary session, List<SessionStatement> statements) {}
