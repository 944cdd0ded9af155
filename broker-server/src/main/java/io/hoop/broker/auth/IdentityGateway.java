package io.hoop.broker.auth;

import io.hoop.api.TokenExchangeRequest;
import io.hoop.broker.http.ApiException;
import java.net.SocketAddress;

/** Turns a token presented at login into a login, or refuses it with a 4xx/5xx. */
@FunctionalInterface
public interface IdentityGateway {
  /** An ID token of the configured IdP (device-flow login). */
  Login authenticate(String idToken, SocketAddress remote) throws ApiException;

  /**
   * Any token the broker exchanges ({@link TokenExchangeRequest} types); only ID tokens unless the
   * implementation knows more.
   */
  default Login exchange(String subjectToken, String subjectTokenType, SocketAddress remote)
      throws ApiException {
    if (TokenExchangeRequest.ID_TOKEN.equals(subjectTokenType)) {
      return authenticate(subjectToken, remote);
    }
    throw new ApiException(
        400,
        "unsupported_token_type",
        "subjectTokenType " + subjectTokenType + " is not supported by this broker",
        null);
  }
}
