package io.hoop.broker.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Locale;

/**
 * Tells an access token from an ID token of the same issuer, so that an access token is never
 * accepted where an ID token is expected. Pure. The audience rule ({@code aud} holds the client id,
 * {@code azp} when present is the client id) is checked by {@link OidcValidator}; this class looks
 * at what marks a token as an access token:
 *
 * <ul>
 *   <li>a JOSE {@code typ} of {@code at+jwt} (RFC 9068);
 *   <li>a payload {@code typ} other than {@code ID} (Keycloak: {@code Bearer} in access tokens,
 *       {@code Refresh} in refresh tokens);
 *   <li>a {@code token_use} other than {@code id} (Amazon Cognito);
 *   <li>{@code scope} or {@code scp} without a {@code nonce} (access tokens carry their scopes, ID
 *       tokens do not).
 * </ul>
 */
public final class IdTokenShape {
  private IdTokenShape() {}

  /**
   * Why the token is not an ID token, or null when nothing marks it as another kind.
   *
   * @param joseType the JOSE header's {@code typ}, null when absent
   */
  public static String whyNotIdToken(JOSEObjectType joseType, JWTClaimsSet claims) {
    if (joseType != null && lower(joseType.getType()).endsWith("at+jwt")) {
      return "it is an access token (typ " + joseType + ")";
    }
    Object typ = claims.getClaim("typ");
    if (typ != null && !"id".equals(lower(String.valueOf(typ)))) {
      return "its payload typ is " + quote(String.valueOf(typ)) + ", not ID";
    }
    Object use = claims.getClaim("token_use");
    if (use != null && !"id".equals(lower(String.valueOf(use)))) {
      return "its token_use is " + quote(String.valueOf(use)) + ", not id";
    }
    if (claims.getClaim("nonce") == null) {
      for (String c : new String[] {"scope", "scp"}) {
        if (claims.getClaim(c) != null) {
          return "it carries " + c + " and no nonce, as access tokens do";
        }
      }
    }
    return null;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static String quote(String s) {
    return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
  }
}
