package io.hoop.broker.auth;

import io.hoop.api.Principal;
import io.hoop.broker.http.ApiException;
import java.net.SocketAddress;

/** Turns an IdP token presented at login into a principal, or refuses it with a 401. */
@FunctionalInterface
public interface IdentityGateway {
  Principal authenticate(String idToken, SocketAddress remote) throws ApiException;
}
