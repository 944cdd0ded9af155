package io.hoop.cli.config;

import java.time.Instant;

/**
 * The last failed renewal of a profile's session ({@code renewal.json}), so {@code hoop whoami} and
 * the next command can say why the login stops working; deleted by the next renewal or login.
 *
 * @param at when the renewal failed
 * @param reason the identity provider's or broker's answer, one line, no secrets
 */
public record RenewalFailure(Instant at, String reason) {}
