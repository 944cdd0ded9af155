package io.hoop.broker.config;

import java.util.List;

/** The organisation's OIDC identity provider. */
public record IdentityConfig(
    String issuer,
    String clientId,
    List<String> scopes,
    String usernameClaim,
    String groupsClaim) {}
