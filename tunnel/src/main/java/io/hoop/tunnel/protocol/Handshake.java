package io.hoop.tunnel.protocol;

/**
 * First message of a tunnel: which grant, and who is asking.
 *
 * @param grantToken the grant token returned by {@code POST /v1/grants}
 * @param sessionToken the caller's broker session token; its subject must own the grant
 */
public record Handshake(String grantToken, String sessionToken) {
  @Override
  public String toString() {
    return "Handshake[grantToken=<redacted>, sessionToken=<redacted>]";
  }
}
