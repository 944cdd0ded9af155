package io.hoop.cli.auth;

/**
 * Tokens from the identity provider's token endpoint.
 *
 * @param idToken the OIDC ID token the broker exchanges for a session
 * @param accessToken the access token, unused by hoop but kept for completeness
 * @param refreshToken the refresh token, or null when the provider gave none
 */
public record TokenResponse(String idToken, String accessToken, String refreshToken) {
  @Override
  public String toString() {
    return "TokenResponse[idToken=<redacted>, accessToken=<redacted>, refreshToken="
        + (refreshToken == null ? "null" : "<redacted>")
        + "]";
  }
}
