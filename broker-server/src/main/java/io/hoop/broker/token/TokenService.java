package io.hoop.broker.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.hoop.api.Principal;
import io.hoop.broker.util.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies the broker's own tokens: session tokens after login (ES256) and grant tokens
 * for tunnels (HS256, verified only by brokers). Each kind has its own {@code typ} and audience so
 * one cannot stand in for the other. The signing key lives in {@code <dataDir>/keys/signing.jwk},
 * mode 0600.
 */
public final class TokenService {
  /** Tokens longer than this are refused before parsing. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  static final String ISSUER = "hoop-broker";
  private static final int MAX_CACHED_SESSIONS = 10_000;
  private static final JOSEObjectType SESSION_TYP = new JOSEObjectType("hoop-session+jwt");
  private static final JOSEObjectType GRANT_TYP = new JOSEObjectType("hoop-grant+jwt");
  private static final String SESSION_AUD = "hoop-session";
  private static final String GRANT_AUD = "hoop-grant";

  private final ECKey key;
  private final ECDSASigner signer;
  private final OctetSequenceKey grantKey;
  private final MACSigner grantSigner;
  private final DefaultJWTProcessor<SecurityContext> sessionProcessor;
  private final DefaultJWTProcessor<SecurityContext> grantProcessor;
  private final Clock clock;
  private final Map<String, SessionClaims> verifiedSessions = new ConcurrentHashMap<>();
  private final Revocations revocations;
  private final DpopVerifier dpop;

  private TokenService(
      ECKey key, OctetSequenceKey grantKey, Clock clock, Revocations revocations, OnceIds onceIds)
      throws JOSEException {
    this.key = key;
    this.revocations = revocations;
    this.dpop = new DpopVerifier(clock, onceIds);
    this.signer = new ECDSASigner(key);
    this.grantKey = grantKey;
    this.grantSigner = new MACSigner(grantKey);
    this.clock = clock;
    this.sessionProcessor =
        processor(
            new JWSVerificationKeySelector<>(
                JWSAlgorithm.ES256, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()))),
            SESSION_TYP,
            SESSION_AUD);
    this.grantProcessor =
        processor(
            new JWSVerificationKeySelector<>(
                JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(grantKey))),
            GRANT_TYP,
            GRANT_AUD);
  }

  /**
   * Loads the signing keys from the data dir, creating them on first start: the ES256 key for
   * session tokens and a 256-bit HMAC key for grant tokens. Grant tokens are only ever verified by
   * brokers (which hold the key anyway), and HS256 costs microseconds where the JDK's P-256 signing
   * costs milliseconds on every grant.
   */
  public static TokenService loadOrCreate(Path dataDir, Clock clock) throws IOException {
    return loadOrCreate(dataDir, clock, Revocations.NONE);
  }

  /** As {@link #loadOrCreate(Path, Clock)}; sessions whose id is revoked are refused. */
  public static TokenService loadOrCreate(Path dataDir, Clock clock, Revocations revocations)
      throws IOException {
    return loadOrCreate(dataDir, clock, revocations, OnceIds.LOCAL);
  }

  /**
   * As {@link #loadOrCreate(Path, Clock, Revocations)}; DPoP proofs are also claimed in {@code
   * onceIds} (the store replicas share), so none is accepted twice across replicas.
   */
  public static TokenService loadOrCreate(
      Path dataDir, Clock clock, Revocations revocations, OnceIds onceIds) throws IOException {
    Path file = dataDir.resolve("keys").resolve("signing.jwk");
    Path grantFile = dataDir.resolve("keys").resolve("grant.jwk");
    try {
      OctetSequenceKey grantKey;
      if (Files.exists(grantFile)) {
        grantKey = OctetSequenceKey.parse(Files.readString(grantFile, StandardCharsets.UTF_8));
      } else {
        grantKey =
            new OctetSequenceKeyGenerator(256)
                .keyID(UUID.randomUUID().toString())
                .algorithm(JWSAlgorithm.HS256)
                .generate();
        SecureFiles.writePrivate(
            grantFile, grantKey.toJSONString().getBytes(StandardCharsets.UTF_8));
      }
      ECKey key;
      if (Files.exists(file)) {
        key = ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
      } else {
        key =
            new ECKeyGenerator(Curve.P_256)
                .keyID(UUID.randomUUID().toString())
                .algorithm(JWSAlgorithm.ES256)
                .generate();
        SecureFiles.writePrivate(file, key.toJSONString().getBytes(StandardCharsets.UTF_8));
      }
      return new TokenService(key, grantKey, clock, revocations, onceIds);
    } catch (ParseException | JOSEException e) {
      throw new IOException("cannot load broker signing key " + file + ": " + e.getMessage(), e);
    }
  }

  /** Mints an unbound (Bearer) session token for a principal. */
  public IssuedToken issueSession(Principal p, Duration ttl) {
    return issueSession(p, ttl, null, UUID.randomUUID().toString());
  }

  /**
   * Mints a session token bound to a key ({@code cnf.jkt}) when {@code keyThumbprint} is non-null:
   * the broker then accepts it only with a proof signed by that key ({@link DpopVerifier}).
   */
  public IssuedToken issueSession(Principal p, Duration ttl, String keyThumbprint) {
    return issueSession(p, ttl, keyThumbprint, UUID.randomUUID().toString());
  }

  /** Mints a session token with a chosen id (admin tokens are listed and revoked by it). */
  public IssuedToken issueSession(Principal p, Duration ttl, String keyThumbprint, String id) {
    Instant now = clock.instant();
    Instant exp = now.plus(ttl);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(SESSION_AUD)
            .subject(p.name())
            .jwtID(id)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(exp))
            .claim("email", p.email())
            .claim("groups", p.groups())
            .claim("amr", p.loginMethod())
            .claim("cnf", keyThumbprint == null ? null : Map.of("jkt", keyThumbprint))
            .build();
    return new IssuedToken(
        sign(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(SESSION_TYP)
                .keyID(key.getKeyID())
                .build(),
            claims,
            signer),
        exp);
  }

  /** Mints the token a tunnel handshake presents for a grant. */
  public String issueGrant(String grantId, String principal, String target, Instant expiresAt) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(GRANT_AUD)
            .subject(principal)
            .jwtID(grantId)
            .issueTime(Date.from(clock.instant()))
            .expirationTime(Date.from(expiresAt))
            .claim("target", target)
            .build();
    return sign(
        new JWSHeader.Builder(JWSAlgorithm.HS256)
            .type(GRANT_TYP)
            .keyID(grantKey.getKeyID())
            .build(),
        claims,
        grantSigner);
  }

  /** The verifier of proofs of possession, shared so its replay cache covers every entry point. */
  public DpopVerifier dpop() {
    return dpop;
  }

  /**
   * Verifies a session token (signature, expiry, not revoked) and returns what it says. A bound
   * token's proof is checked by the caller with {@link #dpop()}.
   */
  public SessionClaims verifySession(String token) throws InvalidBrokerTokenException {
    SessionClaims claims = verifySessionSignature(token);
    if (revocations.isRevoked(claims.sessionId())) {
      throw new InvalidBrokerTokenException(
          InvalidBrokerTokenException.REVOKED,
          "session " + claims.sessionId() + " was revoked (logged out or revoked by an admin)");
    }
    return claims;
  }

  private SessionClaims verifySessionSignature(String token) throws InvalidBrokerTokenException {
    // A verified token cannot change: its claims are reused until it expires, which spares an
    // ECDSA verification on every API call. Revocation is checked after the cache, on every use.
    SessionClaims cached = token == null ? null : verifiedSessions.get(token);
    if (cached != null) {
      if (clock.instant().isBefore(cached.expiresAt())) {
        return cached;
      }
      verifiedSessions.remove(token);
    }
    SessionClaims fresh = verifySessionUncached(token);
    if (verifiedSessions.size() >= MAX_CACHED_SESSIONS) {
      verifiedSessions.clear();
    }
    verifiedSessions.put(token, fresh);
    return fresh;
  }

  private SessionClaims verifySessionUncached(String token) throws InvalidBrokerTokenException {
    JWTClaimsSet c = verify(sessionProcessor, token, "session token");
    try {
      List<String> groups = c.getStringListClaim("groups");
      Principal p =
          new Principal(
              c.getSubject(),
              c.getStringClaim("email"),
              groups == null ? List.of() : List.copyOf(groups),
              c.getStringClaim("amr"));
      Map<String, Object> cnf = c.getJSONObjectClaim("cnf");
      Object jkt = cnf == null ? null : cnf.get("jkt");
      if (cnf != null && !(jkt instanceof String)) {
        throw new InvalidBrokerTokenException("session token has a cnf claim without jkt");
      }
      return new SessionClaims(p, c.getJWTID(), c.getExpirationTime().toInstant(), (String) jkt);
    } catch (ParseException e) {
      throw new InvalidBrokerTokenException("session token has malformed claims");
    }
  }

  /**
   * Verifies a grant token's signature, type and expiry; the grant's state is checked elsewhere.
   */
  public GrantClaims verifyGrant(String token) throws InvalidBrokerTokenException {
    JWTClaimsSet c = verify(grantProcessor, token, "grant token");
    try {
      return new GrantClaims(
          c.getJWTID(),
          c.getSubject(),
          c.getStringClaim("target"),
          c.getExpirationTime().toInstant());
    } catch (ParseException e) {
      throw new InvalidBrokerTokenException("grant token has malformed claims");
    }
  }

  private JWTClaimsSet verify(
      DefaultJWTProcessor<SecurityContext> processor, String token, String what)
      throws InvalidBrokerTokenException {
    if (token == null || token.isBlank()) {
      throw new InvalidBrokerTokenException("no " + what + " was presented");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidBrokerTokenException(
          what + " is " + token.length() + " characters; expected at most " + MAX_TOKEN_CHARS);
    }
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw new InvalidBrokerTokenException(what + " is not a JWT");
    } catch (BadJOSEException e) {
      String m = e.getMessage() == null ? "" : e.getMessage();
      if (m.contains("xpired")) {
        throw new InvalidBrokerTokenException(what + " has expired");
      }
      throw new InvalidBrokerTokenException(what + " was rejected: " + m);
    } catch (JOSEException e) {
      throw new InvalidBrokerTokenException(what + " could not be verified");
    }
    if (!clock.instant().isBefore(claims.getExpirationTime().toInstant())) {
      throw new InvalidBrokerTokenException(what + " has expired");
    }
    return claims;
  }

  private String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner with) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(with);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign broker token", e);
    }
    return jwt.serialize();
  }

  private static DefaultJWTProcessor<SecurityContext> processor(
      JWSVerificationKeySelector<SecurityContext> keys, JOSEObjectType typ, String audience) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(typ));
    p.setJWSKeySelector(keys);
    DefaultJWTClaimsVerifier<SecurityContext> v =
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(ISSUER).build(),
            Set.of("sub", "exp", "iat", "jti"));
    v.setMaxClockSkew(0);
    p.setJWTClaimsSetVerifier(v);
    return p;
  }

  /** A freshly minted token and its expiry. */
  public record IssuedToken(String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "IssuedToken[token=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * What a verified session token says.
   *
   * @param keyThumbprint the {@code cnf.jkt} the token is bound to, null for an unbound token
   */
  public record SessionClaims(
      Principal principal, String sessionId, Instant expiresAt, String keyThumbprint) {
    /** Whether requests with this token need a proof of possession. */
    public boolean bound() {
      return keyThumbprint != null;
    }
  }

  /** What a verified grant token says. */
  public record GrantClaims(String grantId, String principal, String target, Instant expiresAt) {}
}
