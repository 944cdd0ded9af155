package io.hoop.broker.identity;

import static io.hoop.broker.identity.RemoteIssuer.quote;
import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
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
  private static final String UNKNOWN_KEY_PREFIX = "the token names key ";
  private static final JOSEObjectType ACCESS_TOKEN_TYP = new JOSEObjectType("at+jwt");

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
    this(
        issuer,
        audience,
        sslContext,
        usernameClaim,
        groupsClaim,
        clockSkew,
        clock,
        RemoteIssuer.DEFAULT_MAX_AGE);
  }

  /**
   * Like the other constructors, with how long cached keys stay usable while the issuer cannot be
   * reached ({@code jwksMaxAge}); older keys fail closed.
   */
  public OidcValidator(
      String issuer,
      String audience,
      SSLContext sslContext,
      String usernameClaim,
      String groupsClaim,
      Duration clockSkew,
      Clock clock,
      Duration jwksMaxAge) {
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
    RemoteIssuer keys = new RemoteIssuer(issuer, sslContext, clock, jwksMaxAge);
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
                UNKNOWN_KEY_PREFIX
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
    // RFC 9068 access tokens say at+jwt; ID tokens with that type are refused in verify().
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, null, ACCESS_TOKEN_TYP, new JOSEObjectType("application/at+jwt")));
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
    JWTClaimsSet claims = verify(idToken, "ID token", true);
    return identity(claims, "ID token");
  }

  /**
   * Checks a JWT access token of this issuer (client-credentials grant): signature, {@code iss},
   * {@code aud} and times as for ID tokens, but {@code azp} names the machine client, not us.
   *
   * @return the verified claims
   */
  public JWTClaimsSet validateAccessToken(String accessToken) throws InvalidTokenException {
    return verify(accessToken, "access token", false);
  }

  /**
   * Checks any JWT of this issuer for this audience (workload identity federation).
   *
   * @param what names the token in error messages
   */
  public JWTClaimsSet validateJwt(String token, String what) throws InvalidTokenException {
    return verify(token, what, false);
  }

  /**
   * The name verified claims give a person (the username claim, else {@code sub}); null when the
   * claims name no one. For audit records of refused tokens.
   */
  public String usernameOf(JWTClaimsSet claims) {
    String name = ClaimPaths.text(claims, usernameClaim);
    return name == null || name.isBlank() ? claims.getSubject() : name;
  }

  /** The groups at the configured claim path of verified claims. */
  public List<String> groupsOf(JWTClaimsSet claims, String what) throws InvalidTokenException {
    return groups(claims, what);
  }

  private JWTClaimsSet verify(String idToken, String what, boolean checkAzp)
      throws InvalidTokenException {
    if (idToken == null || idToken.isBlank()) {
      throw new InvalidTokenException("no " + what + " was presented");
    }
    if (idToken.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException(
          what + " is " + idToken.length() + " bytes; at most " + MAX_TOKEN_CHARS + " accepted");
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
          what + " is not a well-formed JWT (expected a JWS in compact serialization)");
    }
    if (jwt instanceof PlainJWT) {
      throw new InvalidTokenException(
          what + " is unsigned (alg none); expected one of " + ALLOWED_NAMES);
    }
    if (jwt instanceof EncryptedJWT) {
      throw new InvalidTokenException(
          what + " is encrypted (JWE); only signed tokens are accepted");
    }
    SignedJWT signed = (SignedJWT) jwt;
    JWSHeader header = signed.getHeader();
    if (!ALLOWED_ALGORITHMS.contains(header.getAlgorithm())) {
      throw new InvalidTokenException(
          what
              + " algorithm "
              + header.getAlgorithm()
              + " is not accepted; expected one of "
              + ALLOWED_NAMES);
    }
    if (checkAzp) {
      // Before the signature check too: an access token costs no JWKS fetch.
      String notId = IdTokenShape.whyNotIdToken(header.getType(), claimsOf(signed));
      if (notId != null) {
        throw new InvalidTokenException(what + " is refused: " + notId + "; expected an ID token");
      }
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(signed, null);
    } catch (KeySourceException e) {
      // The key selector reports unknown keys itself; every other key failure is the issuer's.
      throw new InvalidTokenException(
          e.getMessage(), e, !e.getMessage().startsWith(UNKNOWN_KEY_PREFIX));
    } catch (BadJWSException e) {
      throw new InvalidTokenException(
          what
              + " signature does not verify with key "
              + quote(truncate(header.getKeyID()))
              + " of issuer "
              + issuer);
    } catch (BadJOSEException | JOSEException e) {
      throw new InvalidTokenException(what + " rejected: " + e.getMessage());
    }
    checkClaims(claims, what, checkAzp);
    return claims;
  }

  private static JWTClaimsSet claimsOf(SignedJWT jwt) throws InvalidTokenException {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("token payload is not a JSON object");
    }
  }

  private void checkClaims(JWTClaimsSet claims, String what, boolean checkAzp)
      throws InvalidTokenException {
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidTokenException(
          what
              + " issuer "
              + quote(truncate(claims.getIssuer()))
              + " does not match the expected "
              + quote(issuer));
    }
    List<String> aud = claims.getAudience();
    if (!aud.contains(audience)) {
      throw new InvalidTokenException(
          what + " audience " + truncate(aud.toString()) + " does not include " + audience);
    }
    String azp = stringClaim(claims, "azp");
    if (checkAzp && azp != null && !azp.equals(audience)) {
      throw new InvalidTokenException(
          what + " authorized party (azp) " + quote(truncate(azp)) + " is not " + audience);
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new InvalidTokenException(what + " has no exp claim");
    }
    if (now.isAfter(exp.toInstant().plus(clockSkew))) {
      throw new InvalidTokenException(
          what + " expired at " + exp.toInstant() + " (now " + now + ", skew " + clockSkew + ")");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(clockSkew).isBefore(nbf.toInstant())) {
      throw new InvalidTokenException(
          what + " is not valid before " + nbf.toInstant() + " (now " + now + ")");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now.plus(clockSkew).isBefore(iat.toInstant())) {
      throw new InvalidTokenException(
          what + " is issued in the future at " + iat.toInstant() + " (now " + now + ")");
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new InvalidTokenException(what + " has no sub claim");
    }
  }

  private ValidatedIdentity identity(JWTClaimsSet claims, String what)
      throws InvalidTokenException {
    String username = stringAt(claims, usernameClaim, what);
    // Only the default claim falls back to email: a configured claim is meant exactly.
    if ((username == null || username.isBlank()) && usernameClaim.equals(DEFAULT_USERNAME_CLAIM)) {
      username = stringClaim(claims, "email");
    }
    if (username == null || username.isBlank()) {
      username = claims.getSubject();
    }
    return new ValidatedIdentity(
        claims.getSubject(),
        username,
        stringClaim(claims, "email"),
        groups(claims, what),
        claims.getIssuer(),
        claims.getExpirationTime().toInstant(),
        stringClaim(claims, "sid"),
        claims.getJWTID());
  }

  private static String stringAt(JWTClaimsSet claims, String path, String what)
      throws InvalidTokenException {
    Object v = ClaimPaths.get(claims, path);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new InvalidTokenException(what + " claim " + path + " is not a string");
  }

  private static String stringClaim(JWTClaimsSet claims, String name) throws InvalidTokenException {
    try {
      return claims.getStringClaim(name);
    } catch (ParseException e) {
      throw new InvalidTokenException("ID token claim " + name + " is not a string");
    }
  }

  private List<String> groups(JWTClaimsSet claims, String what) throws InvalidTokenException {
    Object value = ClaimPaths.get(claims, groupsClaim);
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
              what + " claim " + groupsClaim + " holds a non-string element; expected strings");
        }
        out.add(s);
      }
      return out;
    }
    throw new InvalidTokenException(
        what
            + " claim "
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
