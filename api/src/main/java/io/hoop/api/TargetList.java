package io.hoop.api;

import java.util.List;

/** {@code GET /v1/targets}. */
public record TargetList(List<TargetInfo> targets) {}
