package io.hoop.broker.identity;

import static io.hoop.broker.identity.RemoteIssuer.quote;
import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Validates OIDC ID tokens of one issuer for one client: signature against the issuer's published
 * keys (asymmetric algorithms only), then {@code iss}, {@code aud}, {@code exp}, {@code nbf} and
 * {@code iat} with a bounded clock skew.
 */
public final class OidcValidator {
  public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";
  public static final String DEFAULT_GROUPS_CLAIM = "groups";
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  /** Tokens larger than this are refused before any parsing. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  // Symmetric algorithms are excluded: with HS* anyone holding the published key could sign.
  static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA);
  private static final String ALLOWED_NAMES = "RS256, PS256, ES256, EdDSA";

  private final String issuer;
  private final String audience;
  private final String usernameClaim;
  private final String groupsClaim;
  private final Duration clockSkew;
  private final Clock clock;
  private final DefaultJWTProcessor<SecurityContext> processor;

  /** A validator with the default claim names, a 60 s clock skew and the system clock. */
  public OidcValidator(String issuer, String audience, SSLContext sslContext) {
    this(
        issuer,
        audience,
        sslContext,
        DEFAULT_USERNAME_CLAIM,
        DEFAULT_GROUPS_CLAIM,
        DEFAULT_CLOCK_SKEW,
        Clock.systemUTC());
  }

  /**
   * @param issuer the issuer URL exactly as it appears in {@code iss}
   * @param audience the client id that must be among the token's audiences
   * @param sslContext used for discovery and JWKS fetches; null means the JVM default
   * @param usernameClaim claim holding the username; {@code sub} is used when it is absent
   * @param groupsClaim claim holding the list of groups
   * @param clockSkew tolerance applied to {@code exp}, {@code nbf} and {@code iat}
   * @param clock the source of "now"
   */
  public OidcValidator(
      String issuer,
      String audience,
      SSLContext sslContext,
      String usernameClaim,
      String groupsClaim,
      Duration clockSkew,
      Clock clock) {
    this.issuer = requireNonNull(issuer, "issuer");
    this.audience = requireNonNull(audience, "audience");
    this.usernameClaim = requireNonNull(usernameClaim, "usernameClaim");
    this.groupsClaim = requireNonNull(groupsClaim, "groupsClaim");
    this.clockSkew = requireNonNull(clockSkew, "clockSkew");
    this.clock = requireNonNull(clock, "clock");
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw new IllegalArgumentException("issuer " + quote(issuer) + " is not an http(s) URL");
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "clockSkew " + clockSkew + " is out of range; expected between 0 and 5 minutes");
    }
    RemoteIssuer keys = new RemoteIssuer(issuer, sslContext, clock);
    JWSVerificationKeySelector<SecurityContext> byHeader =
        new JWSVerificationKeySelector<>(ALLOWED_ALGORITHMS, keys);
    JWSKeySelector<SecurityContext> selector =
        (header, context) -> {
          List<Key> found =
              JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                  ? EdDsaSupport.selectKeys(header, keys)
                  : byHeader.selectJWSKeys(header, context);
          if (found.isEmpty()) {
            throw new KeySourceException(
                "ID token names key "
                    + quote(truncate(header.getKeyID()))
                    + " for "
                    + header.getAlgorithm()
                    + ", which is not among the published keys of issuer "
                    + issuer);
          }
          return found;
        };
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(selector);
    processor.setJWSVerifierFactory(EdDsaSupport.verifierFactory());
    // Claims are checked below, against our clock and with messages that say what was wrong.
    processor.setJWTClaimsSetVerifier(null);
  }

  public String issuer() {
    return issuer;
  }

  public String audience() {
    return audience;
  }

  /**
   * Checks an ID token; the first problem found is reported.
   *
   * @throws InvalidTokenException naming what was wrong, or the issuer when it cannot be reached
   */
  public ValidatedIdentity validate(String idToken) throws InvalidTokenException {
    if (idToken == null || idToken.isBlank()) {
      throw new InvalidTokenException("no ID token was presented");
    }
    if (idToken.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException(
          "ID token is " + idToken.length() + " bytes; at most " + MAX_TOKEN_CHARS + " accepted");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(idToken.strip());
      if (jwt instanceof SignedJWT) {
        // Parses the payload now, so a malformed token never costs a JWKS fetch.
        jwt.getJWTClaimsSet();
      }
    } catch (ParseException e) {
      // The parser's message may quote parts of the token, so it is not passed on.
      throw new InvalidTokenException(
          "ID token is not a well-formed JWT (expected a JWS in compact serialization)");
    }
    if (jwt instanceof PlainJWT) {
      throw new InvalidTokenException(
          "ID token is unsigned (alg none); expected one of " + ALLOWED_NAMES);
    }
    if (jwt instanceof EncryptedJWT) {
      throw new InvalidTokenException(
          "ID token is encrypted (JWE); only signed tokens are accepted");
    }
    SignedJWT signed = (SignedJWT) jwt;
    JWSHeader header = signed.getHeader();
    if (!ALLOWED_ALGORITHMS.contains(header.getAlgorithm())) {
      throw new InvalidTokenException(
          "ID token algorithm "
              + header.getAlgorithm()
              + " is not accepted; expected one of "
              + ALLOWED_NAMES);
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (KeySourceException e) {
      throw new InvalidTokenException(e.getMessage(), e);
    } catch (BadJWSException e) {
      throw new InvalidTokenException(
          "ID token signature does not verify with key "
              + quote(truncate(header.getKeyID()))
              + " of issuer "
              + issuer);
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException("ID token rejected: " + e.getMessage());
    }
    return checkClaims(claims);
  }

  private ValidatedIdentity checkClaims(JWTClaimsSet claims) throws InvalidTokenException {
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidTokenException(
          "ID token issuer "
              + quote(truncate(claims.getIssuer()))
              + " does not match the expected "
              + quote(issuer));
    }
    List<String> aud = claims.getAudience();
    if (!aud.contains(audience)) {
      throw new InvalidTokenException(
          "ID token audience " + truncate(aud.toString()) + " does not include " + audience);
    }
    String azp = stringClaim(claims, "azp");
    if (azp != null && !azp.equals(audience)) {
      throw new InvalidTokenException(
          "ID token authorized party (azp) " + quote(truncate(azp)) + " is not " + audience);
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidTokenException("ID token has no exp claim");
    }
    if (now.isAfter(exp.toInstant().plus(clockSkew))) {
      throw new InvalidTokenException(
          "ID token expired at " + exp.toInstant() + " (now " + now + ", skew " + clockSkew + ")");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
      throw new InvalidTokenException(
          "ID token is not valid before " + nbf.toInstant() + " (now " + now + ")");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now.plus(clockSkew).isBefore(iat.toInstant())) {
      throw new InvalidTokenException(
          "ID token is issued in the future at " + iat.toInstant() + " (now " + now + ")");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new InvalidTokenException("ID token has no sub claim");
    }
    String username = stringClaim(claims, usernameClaim);
    if (username == null || username.isBlank()) {
      username = subject;
    }
    return new ValidatedIdentity(
        subject,
        username,
        stringClaim(claims, "email"),
        groups(claims),
        claims.getIssuer(),
        exp.toInstant());
  }

  private static String stringClaim(JWTClaimsSet claims, String name) throws InvalidTokenException {
    try {
      return claims.getStringClaim(name);
    } catch (ParseException e) {
      throw new InvalidTokenException("ID token claim " + name + " is not a string");
    }
  }

  private List<String> groups(JWTClaimsSet claims) throws InvalidTokenException {
    Object value = claims.getClaim(groupsClaim);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof List<?> list) {
      List<String> out = new ArrayList<>(list.size());
      for (Object item : list) {
        if (!(item instanceof String s)) {
          throw new InvalidTokenException(
              "ID token claim " + groupsClaim + " holds a non-string element; expected strings");
        }
        out.add(s);
      }
      return out;
    }
    throw new InvalidTokenException(
        "ID token claim "
            + groupsClaim
            + " is a "
            + value.getClass().getSimpleName()
            + "; expected a list of strings");
  }

  // Header and claim values come from the token: bound what ends up in messages and logs.
  private static String truncate(String s) {
    if (s == null || s.length() <= 80) {
      return s;
    }
    return s.codePoints().limit(80).mapToObj(Character::toString).collect(Collectors.joining())
        + "...";
  }
}
