package io.hoop.tunnel.server;

/**
 * Who a refused tunnel was for, as far as the broker could verify it before refusing; every field
 * may be null.
 *
 * @param principal the caller, when its session token verified and its proof of possession held
 * @param grantId the grant, when its grant token's signature verified
 * @param target the grant's target, when the grant was found
 * @param claimedPrincipal the subject of a genuine session token whose holder was not admitted as
 *     that principal (no or a wrong proof of possession, revoked session): whose token was used,
 *     not who used it
 */
public record TunnelParty(
    String principal, String grantId, String target, String claimedPrincipal) {
  /** Nothing verified: the refusal came before any token was checked. */
  public static final TunnelParty UNKNOWN = new TunnelParty(null, null, null, null);
}
