package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Principal;

/**
 * A login the broker accepted: who, and what the audit record of the login shows about it.
 *
 * @param principal who logged in
 * @param idpSession the IdP's login session ({@code sid} of the ID token), or null
 * @param detail how the token was recognised (e.g. the service-account marker), or null
 */
public record Login(Principal principal, String idpSession, String detail) {
  public Login {
    requireNonNull(principal, "principal");
  }

  static Login of(Principal p) {
    return new Login(p, null, null);
  }
}
