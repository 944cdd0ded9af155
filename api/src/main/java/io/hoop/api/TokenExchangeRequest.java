package io.hoop.api;

/**
 * {@code POST /v1/auth/token}: exchange a token from an identity provider for a broker session
 * token, in the shape of RFC 8693 (as JSON).
 *
 * @param grantType always {@link #GRANT_TYPE}
 * @param subjectToken the token being exchanged
 * @param subjectTokenType {@link #ID_TOKEN} (device-flow login), {@link #ACCESS_TOKEN} (client
 *     credentials at the configured IdP) or {@link #JWT} (a trusted external issuer: federation)
 */
public record TokenExchangeRequest(String grantType, String subjectToken, String subjectTokenType) {
  public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
  public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
  public static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
  public static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

  @Override
  public String toString() {
    return "TokenExchangeRequest[grantType="
        + grantType
        + ", subjectToken=<redacted>, subjectTokenType="
        + subjectTokenType
        + "]";
  }
}
