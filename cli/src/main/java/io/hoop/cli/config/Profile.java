package io.hoop.cli.config;

/**
 * Where a profile's broker is and how to trust it ({@code profile.json}).
 *
 * @param brokerUrl the broker's base URL, e.g. {@code https://127.0.0.1:8443}
 * @param fingerprint the pinned SHA-256 fingerprint of the broker's certificate, or null
 * @param caCertPath a PEM CA file that signs the broker's certificate, or null
 * @param issuer the OIDC issuer the broker trusts (from {@code GET /v1/auth/config})
 * @param clientId the OIDC client id for the device flow
 */
public record Profile(
    String brokerUrl, String fingerprint, String caCertPath, String issuer, String clientId) {}
