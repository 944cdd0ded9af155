package io.hoop.api;

import java.util.List;

/** {@code GET /v1/grants?scope=mine|pending|all}: grants without tokens, newest first. */
public record GrantList(List<Grant> grants) {}
