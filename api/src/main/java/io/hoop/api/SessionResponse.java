package io.hoop.api;

import java.time.Instant;

/**
 * The broker's answer to a successful login: its own short-lived session token.
 *
 * @param sessionToken the broker session token
 * @param expiresAt when the session token expires
 * @param principal who the broker sees, with {@code loginMethod} set
 * @param tokenType {@code DPoP} when the token is bound to the key that signed the login's proof
 *     (send it as {@code Authorization: DPoP} with a proof), {@code Bearer} when it is unbound
 */
public record SessionResponse(
    String sessionToken, Instant expiresAt, Principal principal, String tokenType) {
  @Override
  public String toString() {
    return "SessionResponse[sessionToken=<redacted>, expiresAt="
        + expiresAt
        + ", principal="
        + principal
        + ", tokenType="
        + tokenType
        + "]";
  }
}
