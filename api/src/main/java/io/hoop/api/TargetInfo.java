package io.hoop.api;

import java.util.List;

/**
 * A target the caller may request access to ({@code GET /v1/targets}).
 *
 * @param name target name used by {@code hoop connect}
 * @param type engine type: {@code tcp}, {@code postgres}, ...
 * @param description free text from the config
 * @param maxDurationSeconds the longest grant the caller can get on this target
 * @param roles roles the caller may request
 */
public record TargetInfo(
    String name, String type, String description, long maxDurationSeconds, List<String> roles) {}
