package io.hoop.tunnel.protocol;

/**
 * First message of a tunnel: which grant, and who is asking.
 *
 * @param grantToken the grant token returned by {@code POST /v1/grants}
 * @param sessionToken the caller's broker session token; its subject must own the grant
 * @param proof DPoP-style proof JWT signed by the key the session token is bound to ({@code
 *     htm=TUNNEL}); null for unbound tokens
 * @param keepalive true when the client sends PING frames at the interval the broker's reply names;
 *     a broker that cuts dead clients refuses clients without it (absent in JSON: false)
 * @param sshPublicKey for ssh targets, the public key (an OpenSSH {@code authorized_keys} line) of
 *     the ephemeral key pair the client made for the grant; the broker's SSH server end admits
 *     exactly that key on this tunnel. Null for other targets
 */
public record Handshake(
    String grantToken, String sessionToken, String proof, boolean keepalive, String sshPublicKey) {
  /** A handshake of a client that sends keepalives, for a target that is not ssh. */
  public Handshake(String grantToken, String sessionToken, String proof, boolean keepalive) {
    this(grantToken, sessionToken, proof, keepalive, null);
  }

  /** A handshake of a client that sends keepalives. */
  public Handshake(String grantToken, String sessionToken, String proof) {
    this(grantToken, sessionToken, proof, true);
  }

  /** A handshake without a proof of possession, of a client that sends keepalives. */
  public Handshake(String grantToken, String sessionToken) {
    this(grantToken, sessionToken, null, true);
  }

  /** This handshake, announcing that the client sends keepalives. */
  public Handshake withKeepalive() {
    return keepalive ? this : new Handshake(grantToken, sessionToken, proof, true, sshPublicKey);
  }

  /** This handshake, offering {@code key} (an OpenSSH public key line) for an ssh target. */
  public Handshake withSshPublicKey(String key) {
    return new Handshake(grantToken, sessionToken, proof, keepalive, key);
  }

  @Override
  public String toString() {
    return "Handshake[grantToken=<redacted>, sessionToken=<redacted>, proof="
        + (proof == null ? "none" : "<redacted>")
        + ", keepalive="
        + keepalive
        + ", sshPublicKey="
        + (sshPublicKey == null ? "none" : "present")
        + "]";
  }
}
