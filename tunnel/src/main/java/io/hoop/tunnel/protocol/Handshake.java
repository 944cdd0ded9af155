package io.hoop.tunnel.protocol;

/**
 * First message of a tunnel: which grant, and who is asking.
 *
 * @param grantToken the grant token returned by {@code POST /v1/grants}
 * @param sessionToken the caller's broker session token; its subject must own the grant
 * @param proof DPoP-style proof JWT signed by the key the session token is bound to ({@code
 *     htm=TUNNEL}); null for unbound tokens
 */
public record Handshake(String grantToken, String sessionToken, String proof) {
  /** A handshake without a proof of possession. */
  public Handshake(String grantToken, String sessionToken) {
    this(grantToken, sessionToken, null);
  }

  @Override
  public String toString() {
    return "Handshake[grantToken=<redacted>, sessionToken=<redacted>, proof="
        + (proof == null ? "none" : "<redacted>")
        + "]";
  }
}
