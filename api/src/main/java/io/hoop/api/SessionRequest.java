package io.hoop.api;

/** {@code POST /v1/auth/session}: exchange an IdP ID token for a broker session token. */
public record SessionRequest(String idToken) {
  @Override
  public String toString() {
    return "SessionRequest[idToken=<redacted>]";
  }
}
