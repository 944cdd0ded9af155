package io.hoop.api;

import java.util.List;

/** {@code GET /v1/holds?scope=pending|mine}: held operations, oldest pending first. */
public record HoldList(List<HeldOperation> holds) {}
