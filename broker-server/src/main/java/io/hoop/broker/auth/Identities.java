package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hoop.api.Principal;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.identity.InvalidTokenException;
import io.hoop.broker.identity.OidcValidator;
import io.hoop.broker.identity.ValidatedIdentity;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.Map;

/**
 * The broker's logins: ID tokens of the IdP (people, each exchanged at most once), JWT access
 * tokens of the IdP obtained with client credentials by a listed machine client ({@link
 * MachineTokenRule}), and tokens of trusted external issuers (federation).
 */
public final class Identities implements IdentityGateway {
  /** Login method of device-flow logins. */
  public static final String DEVICE = "oidc-device";

  /** Login method of client-credentials logins. */
  public static final String CLIENT_CREDENTIALS = "client-credentials";

  /** Principal prefix of client-credentials logins. */
  public static final String MACHINE_PREFIX = "client:";

  private final OidcValidator idp;
  private final MachineTokenRule machines;
  private final Federation federation;
  private final IdTokenReplay replay;
  private final IdpHealth health;

  /**
   * @param idp validates the IdP's ID and access tokens
   * @param machines decides which access tokens are machine logins
   * @param federation the trusted external issuers
   * @param replay remembers the ID tokens already exchanged
   */
  public Identities(
      OidcValidator idp,
      MachineTokenRule machines,
      Federation federation,
      IdTokenReplay replay,
      Clock clock) {
    this.idp = requireNonNull(idp, "idp");
    this.machines = requireNonNull(machines, "machines");
    this.federation = requireNonNull(federation, "federation");
    this.replay = requireNonNull(replay, "replay");
    this.health = new IdpHealth(idp.issuer(), requireNonNull(clock, "clock"));
  }

  @Override
  public Login authenticate(String idToken, SocketAddress remote) throws ApiException {
    ValidatedIdentity id;
    try {
      id = idp.validate(idToken);
    } catch (InvalidTokenException e) {
      throw refused(e, "invalid_id_token", "run hoop login again");
    }
    health.reachable();
    switch (replay.firstUse(
        id.issuer(), id.subject(), id.tokenId(), idToken.strip(), id.expiresAt())) {
      case REPLAYED ->
          throw new ApiException(
                  401,
                  "id_token_replayed",
                  "this ID token was already exchanged for a session; each ID token opens at most"
                      + " one",
                  "run hoop login again")
              .withPrincipal(id.username());
      case FULL ->
          throw new ApiException(
                  503,
                  "login_capacity",
                  "the broker remembers too many recent logins to accept another now (fail"
                      + " closed against ID-token replay)",
                  "retry in a few minutes; tell the broker's operator if it persists")
              .withPrincipal(id.username());
      case TOO_MANY ->
          throw new ApiException(
                  429,
                  "login_rate",
                  "too many logins of "
                      + id.username()
                      + " within an ID token's lifetime (fail closed against ID-token replay)",
                  "retry in a few minutes")
              .withPrincipal(id.username());
      case FIRST -> {
        // The login goes on.
      }
    }
    return new Login(
        new Principal(id.username(), id.email(), id.groups(), DEVICE), id.sessionId(), null);
  }

  @Override
  public Login exchange(String subjectToken, String subjectTokenType, SocketAddress remote)
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
        return Login.of(federation.exchange(subjectToken));
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

  private Login machine(String accessToken) throws ApiException {
    JWTClaimsSet claims;
    try {
      claims = idp.validateAccessToken(accessToken);
    } catch (InvalidTokenException e) {
      throw refused(e, "invalid_access_token", "check the client id and secret");
    }
    health.reachable();
    MachineTokenRule.Verdict v = machines.decide(claims);
    if (!v.accepted()) {
      // The token verified: whoever it names is recorded, so a person whose token was offered as
      // a machine login finds the attempt in their own trail.
      String who = v.clientId() == null ? idp.usernameOf(claims) : personOrClient(claims, v);
      throw new ApiException(
              403,
              "not_a_machine_client",
              v.refusal(),
              "use a client listed in identity.machineClients and its client credentials")
          .withPrincipal(who);
    }
    String boundKey = boundKey(claims, MACHINE_PREFIX + v.clientId());
    try {
      // Prefixed like token: and federation principals: a client registered as "alice" at the
      // IdP must never receive the person alice's entitlements, grants or audit trail.
      return new Login(
          new Principal(
              MACHINE_PREFIX + v.clientId(),
              null,
              idp.groupsOf(claims, "access token"),
              CLIENT_CREDENTIALS),
          null,
          v.marker(),
          boundKey);
    } catch (InvalidTokenException e) {
      throw refused(e, "invalid_access_token", "check the client id and secret");
    }
  }

  /**
   * The DPoP key thumbprint the IdP bound the token to ({@code cnf.jkt}, RFC 9449 section 6), null
   * for an unbound token. A token bound otherwise (e.g. to a TLS client certificate) is refused:
   * the broker cannot check that binding, and must not turn it into a bearer login.
   */
  private static String boundKey(JWTClaimsSet claims, String who) throws ApiException {
    Object cnf = claims.getClaim("cnf");
    if (cnf == null) {
      return null;
    }
    if (cnf instanceof Map<?, ?> m && m.get("jkt") instanceof String jkt && !jkt.isBlank()) {
      return jkt;
    }
    throw new ApiException(
            401,
            "unsupported_token_binding",
            "the access token is bound (cnf) otherwise than to a DPoP key (cnf.jkt); the broker"
                + " cannot check that binding",
            "have the IdP bind the client's tokens with DPoP, or not at all")
        .withPrincipal(who);
  }

  // A token with a person marker names that person; any other refused one names its client.
  private String personOrClient(JWTClaimsSet claims, MachineTokenRule.Verdict v) {
    return MachineTokenRule.personMarker(claims) != null
        ? idp.usernameOf(claims)
        : MACHINE_PREFIX + v.clientId();
  }

  private ApiException refused(InvalidTokenException e, String code, String hint) {
    if (e.issuerUnreachable()) {
      health.unreachable(e.getMessage());
      return new ApiException(
          503, "idp_unavailable", e.getMessage(), "retry later or check the broker's network");
    }
    return new ApiException(401, code, e.getMessage(), hint);
  }
}
