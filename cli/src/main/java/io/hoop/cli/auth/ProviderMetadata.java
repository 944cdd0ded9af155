package io.hoop.cli.auth;

/**
 * The parts of an OIDC discovery document the device flow needs.
 *
 * @param issuer the issuer, as the document states it
 * @param deviceAuthorizationEndpoint RFC 8628 device authorization endpoint
 * @param tokenEndpoint the token endpoint
 */
public record ProviderMetadata(
    String issuer, String deviceAuthorizationEndpoint, String tokenEndpoint) {}
