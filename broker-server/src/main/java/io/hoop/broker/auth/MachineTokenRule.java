package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import io.hoop.broker.identity.ClaimPaths;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a verified access token of the IdP is a client-credentials token of a listed
 * machine client, and not a person's token. Pure: no I/O, no clock (the token's signature, issuer,
 * audience and times are checked before).
 *
 * <p>How the IdPs' tokens are told apart:
 *
 * <ul>
 *   <li>person markers, any of which refuses: {@code sid}, {@code session_state}, {@code nonce},
 *       {@code at_hash} (a login session or an ID token), a payload {@code typ} other than {@code
 *       Bearer} (Keycloak says {@code ID} in ID tokens), {@code uid} (Okta: the user), {@code
 *       idtyp: user} (Entra ID);
 *   <li>service-account markers, one of which is required: {@code sub} equal to the client id (dev
 *       IdP, Okta), {@code preferred_username} {@code service-account-<clientId>} (Keycloak),
 *       {@code idtyp: app} or {@code sub} equal to {@code oid} without {@code scp} (Entra ID).
 * </ul>
 */
public final class MachineTokenRule {
  /** Claims that only tokens issued in a person's login carry. */
  static final List<String> PERSON_CLAIMS =
      List.of("sid", "session_state", "nonce", "at_hash", "uid");

  private final List<String> clientClaims;
  private final Set<String> listed;
  private final String interactiveClientId;

  /**
   * @param clientClaims claims naming the client ({@code identity.machineClaims}), first present
   *     wins; when several are present they must agree
   * @param listed the client ids of {@code identity.machineClients}
   * @param interactiveClientId {@code identity.clientId}, the client people log in with
   */
  public MachineTokenRule(
      List<String> clientClaims, Set<String> listed, String interactiveClientId) {
    this.clientClaims = List.copyOf(clientClaims);
    this.listed = Set.copyOf(listed);
    this.interactiveClientId = requireNonNull(interactiveClientId, "interactiveClientId");
    if (this.clientClaims.isEmpty()) {
      throw new IllegalArgumentException("clientClaims is empty; expected e.g. [client_id, azp]");
    }
  }

  /**
   * The outcome: the client id and the service-account marker that matched, or the refusal.
   *
   * @param clientId the client the token names, null when it names none
   * @param marker the service-account marker that matched, null when refused
   * @param refusal why the token is refused, null when accepted
   */
  public record Verdict(String clientId, String marker, String refusal) {
    public boolean accepted() {
      return refusal == null;
    }

    static Verdict refuse(String clientId, String why) {
      return new Verdict(clientId, null, why);
    }
  }

  /** Decides on the verified claims of an access token. */
  public Verdict decide(JWTClaimsSet claims) {
    requireNonNull(claims, "claims");
    String clientId = null;
    String clientClaim = null;
    for (String c : clientClaims) {
      String v = ClaimPaths.text(claims, c);
      if (v == null || v.isBlank()) {
        continue;
      }
      if (clientId == null) {
        clientId = v;
        clientClaim = c;
      } else if (!clientId.equals(v)) {
        return Verdict.refuse(
            null,
            "the access token names two clients ("
                + clientClaim
                + " "
                + Quote.of(clientId)
                + ", "
                + c
                + " "
                + Quote.of(v)
                + "); expected one client-credentials client");
      }
    }
    if (clientId == null) {
      return Verdict.refuse(
          null,
          "the access token names no client (none of "
              + clientClaims
              + "); expected a client-credentials token of a client in identity.machineClients");
    }
    if (clientId.equals(interactiveClientId)) {
      return Verdict.refuse(
          clientId,
          "the access token is of "
              + Quote.of(clientId)
              + ", the client people log in with (identity.clientId); machine logins need a"
              + " client of their own listed in identity.machineClients");
    }
    if (listed.isEmpty()) {
      return Verdict.refuse(
          clientId,
          "machine logins are disabled: identity.machineClients lists no client, so client "
              + Quote.of(clientId)
              + " is refused");
    }
    if (!listed.contains(clientId)) {
      return Verdict.refuse(
          clientId, "client " + Quote.of(clientId) + " is not listed in identity.machineClients");
    }
    String person = personMarker(claims);
    if (person != null) {
      return Verdict.refuse(
          clientId,
          "the access token of client "
              + Quote.of(clientId)
              + " was issued to a person ("
              + person
              + "), not with client credentials");
    }
    String marker = serviceAccountMarker(claims, clientId);
    if (marker == null) {
      return Verdict.refuse(
          clientId,
          "the access token of client "
              + Quote.of(clientId)
              + " carries no service-account marker (sub equal to the client id,"
              + " preferred_username service-account-<client>, idtyp app, or sub equal to oid"
              + " without scp)");
    }
    return new Verdict(clientId, marker, null);
  }

  /** The first claim showing a person's login, or null. */
  static String personMarker(JWTClaimsSet claims) {
    for (String c : PERSON_CLAIMS) {
      if (claims.getClaim(c) != null) {
        return "it carries " + c;
      }
    }
    Object typ = claims.getClaim("typ");
    if (typ != null && !"bearer".equals(lower(typ))) {
      return "its payload typ is " + Quote.of(String.valueOf(typ)) + ", not Bearer";
    }
    Object idtyp = claims.getClaim("idtyp");
    if (idtyp != null && !"app".equals(lower(idtyp))) {
      return "its idtyp is " + Quote.of(String.valueOf(idtyp)) + ", not app";
    }
    return null;
  }

  /** The service-account marker the claims carry for {@code clientId}, or null. */
  static String serviceAccountMarker(JWTClaimsSet claims, String clientId) {
    if (clientId.equals(claims.getSubject())) {
      return "sub";
    }
    Object username = claims.getClaim("preferred_username");
    // Keycloak lower-cases user names, the service account's included.
    if (username instanceof String u && u.equalsIgnoreCase("service-account-" + clientId)) {
      return "keycloak-service-account";
    }
    if ("app".equals(lower(claims.getClaim("idtyp")))) {
      return "entra-idtyp-app";
    }
    Object oid = claims.getClaim("oid");
    if (oid instanceof String o
        && o.equals(claims.getSubject())
        && claims.getClaim("scp") == null) {
      return "entra-app-only";
    }
    return null;
  }

  private static String lower(Object v) {
    return v == null ? null : String.valueOf(v).toLowerCase(Locale.ROOT);
  }
}
