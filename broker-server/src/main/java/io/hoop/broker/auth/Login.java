package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Principal;

/**
 * A login the broker accepted: who, and what the audit record of the login shows about it.
 *
 * @param principal who logged in
 * @param idpSession the IdP's login session ({@code sid} of the ID token), or null
 * @param detail how the token was recognised (e.g. the service-account marker), or null
 * @param boundKey the thumbprint of the DPoP key the IdP bound the presented token to ({@code
 *     cnf.jkt}), or null when it is unbound: the login's own proof must then be by that key
 */
public record Login(Principal principal, String idpSession, String detail, String boundKey) {
  public Login {
    requireNonNull(principal, "principal");
  }

  /** A login with a token the IdP bound to no key. */
  public Login(Principal principal, String idpSession, String detail) {
    this(principal, idpSession, detail, null);
  }

  static Login of(Principal p) {
    return new Login(p, null, null);
  }
}
