package io.hoop.broker.tunnel;

import io.hoop.broker.token.DpopException;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.TokenService;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.server.TunnelRejectedException;

/**
 * Checks, before anything else in a tunnel handshake, that the session is not revoked and that a
 * key-bound session comes with a proof for this grant ({@code htm} TUNNEL, {@code htu}
 * urn:hoop:tunnel:&lt;grantId&gt;) signed by its key. Unbound sessions need no proof.
 */
final class HandshakeProofs {
  private HandshakeProofs() {}

  static void verify(TokenService tokens, Handshake handshake) throws TunnelRejectedException {
    TokenService.SessionClaims session;
    try {
      session = tokens.verifySession(handshake.sessionToken());
    } catch (InvalidBrokerTokenException e) {
      throw new TunnelRejectedException(e.code(), e.getMessage() + "; run hoop login");
    }
    if (!session.bound()) {
      return;
    }
    TokenService.GrantClaims grant;
    try {
      grant = tokens.verifyGrant(handshake.grantToken());
    } catch (InvalidBrokerTokenException e) {
      // The authorizer reports bad grant tokens with their own codes.
      return;
    }
    try {
      tokens
          .dpop()
          .verifyTunnel(
              handshake.proof(),
              grant.grantId(),
              handshake.sessionToken(),
              session.keyThumbprint());
    } catch (DpopException e) {
      throw new TunnelRejectedException(e.code(), e.getMessage());
    }
  }
}
