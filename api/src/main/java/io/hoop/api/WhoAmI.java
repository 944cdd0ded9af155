package io.hoop.api;

import java.time.Instant;

/** {@code GET /v1/whoami}: the caller's principal and when their session ends. */
public record WhoAmI(Principal principal, String issuer, Instant sessionExpiresAt) {}
