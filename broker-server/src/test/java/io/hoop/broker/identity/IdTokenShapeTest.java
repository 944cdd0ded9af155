package io.hoop.broker.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins what marks a token as an access token where an ID token is expected. */
class IdTokenShapeTest {
  static JWTClaimsSet claims(Map<String, Object> m) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject("alice");
    m.forEach(b::claim);
    return b.build();
  }

  static String why(String typ, Map<String, Object> m) {
    return IdTokenShape.whyNotIdToken(typ == null ? null : new JOSEObjectType(typ), claims(m));
  }

  @Test
  void idTokensOfEachIdpPass() {
    assertThat(why("JWT", Map.of())).isNull(); // dev IdP
    assertThat(why(null, Map.of("typ", "ID", "azp", "hoop-cli", "sid", "s"))).isNull(); // Keycloak
    assertThat(why("JWT", Map.of("nonce", "n", "scope", "openid"))).isNull(); // nonce: an ID token
    assertThat(why("JWT", Map.of("token_use", "id"))).isNull(); // Cognito
    assertThat(why("JWT", Map.of("typ", "id"))).isNull();
  }

  @Test
  void rfc9068AccessTokensAreRefused() {
    assertThat(why("at+jwt", Map.of())).contains("access token (typ at+jwt)");
    assertThat(why("application/at+jwt", Map.of())).contains("access token");
    assertThat(why("AT+JWT", Map.of())).contains("access token");
  }

  @Test
  void keycloakAccessAndRefreshTokensAreRefusedByPayloadTyp() {
    assertThat(why("JWT", Map.of("typ", "Bearer"))).contains("payload typ is 'Bearer', not ID");
    assertThat(why("JWT", Map.of("typ", "Refresh"))).contains("'Refresh'");
    assertThat(why("JWT", Map.of("typ", 7))).contains("'7'");
  }

  @Test
  void scopedTokensWithoutNonceAreRefused() {
    assertThat(why("JWT", Map.of("scope", "openid profile")))
        .contains("carries scope and no nonce");
    assertThat(why("JWT", Map.of("scp", List.of("api")))).contains("carries scp and no nonce");
  }

  @Test
  void cognitoAccessTokensAreRefused() {
    assertThat(why("JWT", Map.of("token_use", "access"))).contains("token_use is 'access'");
  }
}
