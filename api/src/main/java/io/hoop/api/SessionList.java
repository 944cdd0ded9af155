package io.hoop.api;

import java.util.List;

/** {@code GET /v1/sessions}: the sessions the caller may see, newest first. */
public record SessionList(List<SessionSummary> sessions) {}
