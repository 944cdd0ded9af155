package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hoop.api.Principal;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.identity.ClaimPaths;
import io.hoop.broker.identity.InvalidTokenException;
import io.hoop.broker.identity.OidcValidator;
import io.hoop.broker.identity.ValidatedIdentity;
import java.net.SocketAddress;
import java.util.List;

/**
 * The broker's logins: ID tokens of the IdP (people), JWT access tokens of the IdP obtained with
 * client credentials (machines), and tokens of trusted external issuers (federation).
 */
public final class Identities implements IdentityGateway {
  /** Login method of device-flow logins. */
  public static final String DEVICE = "oidc-device";

  /** Login method of client-credentials logins. */
  public static final String CLIENT_CREDENTIALS = "client-credentials";

  private final OidcValidator idp;

  /** Principal prefix of client-credentials logins. */
  public static final String MACHINE_PREFIX = "client:";

  private final List<String> machineClaims;
  private final Federation federation;

  /**
   * @param idp validates the IdP's ID and access tokens
   * @param machineClaims claims naming a client-credentials principal, first present wins
   * @param federation the trusted external issuers
   */
  public Identities(OidcValidator idp, List<String> machineClaims, Federation federation) {
    this.idp = requireNonNull(idp, "idp");
    this.machineClaims = List.copyOf(machineClaims);
    this.federation = requireNonNull(federation, "federation");
  }

  @Override
  public Principal authenticate(String idToken, SocketAddress remote) throws ApiException {
    ValidatedIdentity id;
    try {
      id = idp.validate(idToken);
    } catch (InvalidTokenException e) {
      throw refused(e, "invalid_id_token", "run hoop login again");
    }
    return new Principal(id.username(), id.email(), id.groups(), DEVICE);
  }

  @Override
  public Principal exchange(String subjectToken, String subjectTokenType, SocketAddress remote)
      throws ApiException {
    if (subjectToken == null || subjectToken.isBlank()) {
      throw new ApiException(400, "bad_request", "subjectToken is required", null);
    }
    if (TokenExchangeRequest.ID_TOKEN.equals(subjectTokenType)) {
      return authenticate(subjectToken, remote);
    }
    if (TokenExchangeRequest.ACCESS_TOKEN.equals(subjectTokenType)) {
      return machine(subjectToken);
    }
    if (TokenExchangeRequest.JWT.equals(subjectTokenType)) {
      if (!federation.enabled()) {
        throw new ApiException(
            400,
            "unsupported_token_type",
            "this broker trusts no external issuers (identity.federation is empty)",
            "ask the broker's admin to add your CI or cluster issuer to identity.federation");
      }
      try {
        return federation.exchange(subjectToken);
      } catch (InvalidTokenException e) {
        throw refused(
            e, "invalid_federated_token", "check identity.federation in the broker config");
      }
    }
    throw new ApiException(
        400,
        "unsupported_token_type",
        "subjectTokenType "
            + subjectTokenType
            + " is not supported; expected "
            + TokenExchangeRequest.ID_TOKEN
            + ", "
            + TokenExchangeRequest.ACCESS_TOKEN
            + " or "
            + TokenExchangeRequest.JWT,
        null);
  }

  private Principal machine(String accessToken) throws ApiException {
    try {
      JWTClaimsSet claims = idp.validateAccessToken(accessToken);
      for (String claim : machineClaims) {
        String name = ClaimPaths.text(claims, claim);
        if (name != null && !name.isBlank()) {
          // Prefixed like token: and federation principals: a client registered as "alice" at the
          // IdP must never receive the person alice's entitlements, grants or audit trail.
          return new Principal(
              MACHINE_PREFIX + name,
              null,
              idp.groupsOf(claims, "access token"),
              CLIENT_CREDENTIALS);
        }
      }
      throw new InvalidTokenException(
          "access token has none of the claims " + machineClaims + " naming the client");
    } catch (InvalidTokenException e) {
      throw refused(e, "invalid_access_token", "check the client id and secret");
    }
  }

  private static ApiException refused(InvalidTokenException e, String code, String hint) {
    if (e.issuerUnreachable()) {
      return new ApiException(
          503, "idp_unavailable", e.getMessage(), "retry later or check the broker's network");
    }
    return new ApiException(401, code, e.getMessage(), hint);
  }
}
