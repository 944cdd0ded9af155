package io.hoop.api;

import java.util.List;

/**
 * {@code GET /v1/targets/{name}/connection}: what a client needs to point its tools at a tunnel to
 * the target.
 *
 * @param target target name
 * @param type target type, e.g. {@code postgres}
 * @param engine engine the broker relays it with: {@code postgres} or {@code tcp}
 * @param database database a postgres client should name; null when the target has none set
 * @param roles roles a grant may name; empty when the target has none
 * @param defaultRole role used when a grant names none; null when the target has no roles
 */
public record TargetConnection(
    String target,
    String type,
    String engine,
    String database,
    List<String> roles,
    String defaultRole) {}
