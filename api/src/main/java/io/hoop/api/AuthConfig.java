package io.hoop.api;

import java.util.List;

/**
 * {@code GET /v1/auth/config}: where the CLI runs the device flow. Public, no authentication.
 *
 * @param issuer the OIDC issuer URL; the CLI reads its discovery document
 * @param clientId the public client id registered for the CLI
 * @param scopes scopes to request (always includes {@code openid})
 * @param dev whether the broker runs in dev mode with its embedded identity provider
 * @param federation the external issuers the broker trusts for workload identity federation (public
 *     data only: no claim conditions), so the CLI can pick the audience to request
 * @param issuerCaPem PEM CA certificates the issuer's TLS certificate chains to when it is behind a
 *     private CA ({@code identity.caFile}), else null; the CLI fetches this over the broker's
 *     pinned TLS and trusts it, besides the JVM's defaults, for the issuer only
 */
public record AuthConfig(
    String issuer,
    String clientId,
    List<String> scopes,
    boolean dev,
    List<FederatedIssuer> federation,
    String issuerCaPem) {

  /** A config without federation. */
  public AuthConfig(String issuer, String clientId, List<String> scopes, boolean dev) {
    this(issuer, clientId, scopes, dev, List.of(), null);
  }

  /** A config whose issuer needs no private CA. */
  public AuthConfig(
      String issuer,
      String clientId,
      List<String> scopes,
      boolean dev,
      List<FederatedIssuer> federation) {
    this(issuer, clientId, scopes, dev, federation, null);
  }

  public AuthConfig {
    federation = federation == null ? List.of() : List.copyOf(federation);
  }

  /**
   * One trusted external issuer.
   *
   * @param name the broker's name for the entry
   * @param issuer the issuer URL
   * @param audience the audience its tokens must carry for this broker
   */
  public record FederatedIssuer(String name, String issuer, String audience) {}
}
