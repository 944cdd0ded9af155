package io.hoop.api;

import java.time.Instant;

/**
 * Body of {@code POST /v1/reviews/{id}/certify} and {@code /revoke}.
 *
 * @param until certify: review valid until (null: the broker's default review period)
 * @param comment certify: required comment
 * @param reason revoke: required reason
 */
public record ReviewAction(Instant until, String comment, String reason) {}
