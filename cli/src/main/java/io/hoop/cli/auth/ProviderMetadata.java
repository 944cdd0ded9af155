package io.hoop.cli.auth;

import io.hoop.cli.identity.DpopKey;
import java.util.List;

/**
 * The parts of an OIDC discovery document hoop uses.
 *
 * @param issuer the issuer, as the document states it
 * @param deviceAuthorizationEndpoint RFC 8628 device authorization endpoint
 * @param tokenEndpoint the token endpoint
 * @param revocationEndpoint RFC 7009 revocation endpoint, or null
 * @param dpopAlgorithms {@code dpop_signing_alg_values_supported}: empty when the provider does not
 *     bind tokens with DPoP
 */
public record ProviderMetadata(
    String issuer,
    String deviceAuthorizationEndpoint,
    String tokenEndpoint,
    String revocationEndpoint,
    List<String> dpopAlgorithms) {
  public ProviderMetadata {
    dpopAlgorithms = dpopAlgorithms == null ? List.of() : List.copyOf(dpopAlgorithms);
  }

  /** Metadata of a provider without revocation or DPoP. */
  public ProviderMetadata(String issuer, String deviceAuthorizationEndpoint, String tokenEndpoint) {
    this(issuer, deviceAuthorizationEndpoint, tokenEndpoint, null, List.of());
  }

  /** Whether the provider binds tokens to keys of this kind (so proofs by it are sent). */
  public boolean bindsTo(DpopKey key) {
    return key != null && dpopAlgorithms.contains(key.algorithm());
  }

  /**
   * A new key the provider and the broker both accept: Ed25519 unless the provider binds tokens
   * with DPoP but lists only other algorithms, then EC P-256 when it lists ES256.
   */
  public DpopKey newKey() {
    if (dpopAlgorithms.isEmpty() || dpopAlgorithms.contains("EdDSA")) {
      return DpopKey.generate();
    }
    return dpopAlgorithms.contains("ES256") ? DpopKey.generateP256() : DpopKey.generate();
  }
}
