package io.hoop.api;

import java.util.List;

/**
 * {@code GET /v1/auth/config}: where the CLI runs the device flow. Public, no authentication.
 *
 * @param issuer the OIDC issuer URL; the CLI reads its discovery document
 * @param clientId the public client id registered for the CLI
 * @param scopes scopes to request (always includes {@code openid})
 * @param dev whether the broker runs in dev mode with its embedded identity provider
 */
public record AuthConfig(String issuer, String clientId, List<String> scopes, boolean dev) {}
