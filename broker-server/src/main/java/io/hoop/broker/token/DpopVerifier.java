package io.hoop.broker.token;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.broker.identity.Ed25519Verifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Verifies DPoP-style proofs of possession (RFC 9449 shapes): a JWT of type {@code dpop+jwt},
 * signed with an allowed algorithm by the public key in its own header, made for this method and
 * path (or tunnel), recent, carrying the hash of the presented token, and never seen before. HTTP
 * proofs are matched on method and path only: host and port differ behind port-forwards and
 * proxies.
 */
public final class DpopVerifier {
  /** How old a proof may be. */
  public static final Duration MAX_AGE = Duration.ofSeconds(60);

  /** How far in the future a proof's {@code iat} may lie (clock drift). */
  public static final Duration MAX_FUTURE = Duration.ofSeconds(5);

  /** The {@code htm} of tunnel handshake proofs. */
  public static final String TUNNEL_METHOD = "TUNNEL";

  static final int MAX_PROOF_CHARS = 8 * 1024;
  static final int MAX_REPLAY_ENTRIES = 200_000;
  static final int MAX_LOGIN_REPLAY_ENTRIES = 20_000;
  static final int MAX_CACHED_KEYS = 10_000;
  private static final int MAX_JTI_CHARS = 256;
  private static final JOSEObjectType TYP = new JOSEObjectType("dpop+jwt");
  private static final Set<JWSAlgorithm> ALLOWED =
      Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256, JWSAlgorithm.RS256, JWSAlgorithm.EdDSA);
  private static final String RELOGIN =
      "this token is bound to the key of the login that created it; run hoop login on this machine";

  private final Clock clock;
  // Proofs of bound sessions and login proofs (any key, from anyone) are remembered apart, so a
  // flood of fresh login proofs can at worst refuse logins, never the calls of existing sessions.
  private final ReplayWindow bound;
  private final OnceIds shared;
  private final ReplayWindow unbound;
  // A holder signs many proofs with one key: its verifier is kept (least recently used out),
  // keyed by algorithm and thumbprint. Every API call carries a proof: the hottest check there is.
  private final Map<String, JWSVerifier> verifiers =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JWSVerifier> eldest) {
          return size() > MAX_CACHED_KEYS;
        }
      };

  public DpopVerifier(Clock clock) {
    this(clock, OnceIds.LOCAL);
  }

  /**
   * A verifier whose proofs are also claimed in {@code shared} (the store every replica uses), so a
   * proof used on one replica is refused on the others.
   */
  public DpopVerifier(Clock clock, OnceIds shared) {
    this(clock, MAX_REPLAY_ENTRIES, MAX_LOGIN_REPLAY_ENTRIES, shared);
  }

  DpopVerifier(Clock clock, int maxBound, int maxUnbound) {
    this(clock, maxBound, maxUnbound, OnceIds.LOCAL);
  }

  DpopVerifier(Clock clock, int maxBound, int maxUnbound, OnceIds shared) {
    this.clock = requireNonNull(clock, "clock");
    this.shared = requireNonNull(shared, "shared");
    this.bound =
        new ReplayWindow(maxBound, "too many DPoP proofs in the last minute; retry shortly");
    this.unbound =
        new ReplayWindow(
            maxUnbound,
            "too many login attempts with DPoP proofs in the last minute; retry shortly");
  }

  /**
   * Verifies the proof of an HTTP request.
   *
   * @param proof the {@code DPoP} header; null means none was sent
   * @param method the request method
   * @param path the request path, compared with the path of the proof's {@code htu}
   * @param token the session token presented with the proof (its hash must be in {@code ath}), or
   *     null at login
   * @param boundTo the thumbprint the token is bound to, or null to accept any key (login)
   * @return the RFC 7638 SHA-256 thumbprint (base64url) of the proof's key
   */
  public String verifyHttp(String proof, String method, String path, String token, String boundTo)
      throws DpopException {
    Checked checked = verify(proof, method, token, boundTo);
    JWTClaimsSet c = checked.claims();
    String htu = stringClaim(c, "htu");
    String htuPath;
    try {
      URI u = new URI(htu);
      htuPath = u.getPath();
    } catch (java.net.URISyntaxException e) {
      throw new DpopException(DpopException.INVALID, "DPoP proof htu is not a URL");
    }
    if (htuPath == null || !htuPath.equals(path)) {
      throw new DpopException(
          DpopException.INVALID,
          "DPoP proof was made for path " + shorten(htuPath) + ", not " + path);
    }
    return remember(checked);
  }

  /**
   * Verifies the proof of a tunnel handshake: {@code htm} TUNNEL, {@code htu}
   * urn:hoop:tunnel:&lt;grantId&gt;.
   */
  public String verifyTunnel(String proof, String grantId, String token, String boundTo)
      throws DpopException {
    Checked checked = verify(proof, TUNNEL_METHOD, token, boundTo);
    JWTClaimsSet c = checked.claims();
    String expected = "urn:hoop:tunnel:" + grantId;
    String htu = stringClaim(c, "htu");
    if (!expected.equals(htu)) {
      throw new DpopException(
          DpopException.INVALID, "DPoP proof was made for " + shorten(htu) + ", not " + expected);
    }
    return remember(checked);
  }

  private record Checked(JWTClaimsSet claims, String thumbprint, boolean bound) {}

  private Checked verify(String proof, String htm, String token, String boundTo)
      throws DpopException {
    if (proof == null || proof.isBlank()) {
      throw new DpopException(
          DpopException.REQUIRED,
          "no DPoP proof was sent"
              + (boundTo == null ? "; this broker requires one at login" : "; " + RELOGIN));
    }
    if (proof.length() > MAX_PROOF_CHARS) {
      throw invalid("DPoP proof is " + proof.length() + " characters; at most " + MAX_PROOF_CHARS);
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(proof.strip());
    } catch (ParseException e) {
      // Nimbus refuses a private key in the jwk header while parsing; its message is safe.
      String m = e.getMessage() == null ? "" : e.getMessage();
      throw invalid(
          m.contains("private") || m.contains("Non-public")
              ? "DPoP proof header carries a private key; only the public key may be sent"
              : "DPoP proof is not a well-formed JWT");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw invalid(
          "DPoP proof is not signed (alg none); expected one of ES256, PS256, RS256, EdDSA");
    }
    JWSHeader h = signed.getHeader();
    if (!TYP.equals(h.getType())) {
      throw invalid("DPoP proof typ is " + h.getType() + "; expected dpop+jwt");
    }
    if (!ALLOWED.contains(h.getAlgorithm())) {
      throw invalid(
          "DPoP proof algorithm "
              + h.getAlgorithm()
              + " is not accepted; expected one of ES256,"
              + " PS256, RS256, EdDSA");
    }
    JWK jwk = h.getJWK();
    if (jwk == null) {
      throw invalid("DPoP proof header has no jwk");
    }
    if (jwk.isPrivate()) {
      throw invalid("DPoP proof header carries a private key; only the public key may be sent");
    }
    // The cheap key check first: a proof by any other key is refused without signature math.
    String thumbprint = thumbprint(jwk);
    if (boundTo != null && !MessageDigest.isEqual(bytes(thumbprint), bytes(boundTo))) {
      throw invalid("DPoP proof is signed by another key; " + RELOGIN);
    }
    // Only keys a session is bound to are kept, and only once a proof verified: anyone can send
    // login proofs with fresh keys, and they must not push the holders' verifiers out. The
    // thumbprint covers the exact key members and the algorithm was checked when it was built.
    String cacheId = h.getAlgorithm() + " " + thumbprint;
    JWSVerifier known = boundTo == null ? null : knownVerifier(cacheId);
    JWSVerifier verifier;
    try {
      verifier = known != null ? known : verifier(h, jwk);
      if (!signed.verify(verifier)) {
        throw invalid("DPoP proof signature does not verify with the key in its header");
      }
    } catch (JOSEException e) {
      throw invalid("DPoP proof signature cannot be verified: " + e.getMessage());
    }
    if (known == null && boundTo != null) {
      synchronized (verifiers) {
        verifiers.put(cacheId, verifier);
      }
    }
    JWTClaimsSet c;
    try {
      c = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("DPoP proof claims are not a JSON object");
    }
    String jti = stringClaim(c, "jti");
    if (jti == null || jti.isEmpty() || jti.length() > MAX_JTI_CHARS) {
      throw invalid("DPoP proof needs a jti of 1-" + MAX_JTI_CHARS + " characters");
    }
    String proofMethod = stringClaim(c, "htm");
    if (!htm.equals(proofMethod)) {
      throw invalid("DPoP proof was made for method " + shorten(proofMethod) + ", not " + htm);
    }
    if (stringClaim(c, "htu") == null) {
      throw invalid("DPoP proof has no htu");
    }
    Date iat = c.getIssueTime();
    if (iat == null) {
      throw invalid("DPoP proof has no iat");
    }
    Instant now = clock.instant();
    if (iat.toInstant().isBefore(now.minus(MAX_AGE))) {
      throw new DpopException(
          DpopException.EXPIRED,
          "DPoP proof was made at "
              + iat.toInstant()
              + ", more than "
              + MAX_AGE.toSeconds()
              + " s ago (now "
              + now
              + "); check this machine's clock");
    }
    if (iat.toInstant().isAfter(now.plus(MAX_FUTURE))) {
      throw new DpopException(
          DpopException.EXPIRED,
          "DPoP proof is dated "
              + iat.toInstant()
              + ", in the future (now "
              + now
              + "); check this machine's clock");
    }
    if (token != null) {
      String ath = stringClaim(c, "ath");
      if (ath == null || !MessageDigest.isEqual(bytes(ath), bytes(accessTokenHash(token)))) {
        throw invalid("DPoP proof ath does not match the presented token");
      }
    }
    return new Checked(c, thumbprint, boundTo != null);
  }

  private String remember(Checked checked) throws DpopException {
    String key = checked.thumbprint() + " " + stringClaim(checked.claims(), "jti");
    Instant forgetAt = clock.instant().plus(MAX_AGE).plus(MAX_FUTURE).plus(MAX_FUTURE);
    (checked.bound() ? bound : unbound).remember(key, clock.instant(), forgetAt);
    boolean first;
    try {
      first = shared.claim("dpop", key, forgetAt);
    } catch (RuntimeException e) {
      // fail closed: a proof no replica can be asked about could be a replay
      throw new DpopException(
          DpopException.INVALID,
          "the broker cannot check this DPoP proof against its other replicas (store unavailable);"
              + " retry shortly");
    }
    if (!first) {
      throw new DpopException(
          DpopException.REPLAY,
          "DPoP proof was already used (same jti) on another broker replica; make a new proof");
    }
    return checked.thumbprint();
  }

  /**
   * Proof ids (key thumbprint + jti) seen while they could still be replayed. Insertion order is
   * expiry order because every entry lives equally long.
   */
  private static final class ReplayWindow {
    private final LinkedHashMap<String, Instant> seen = new LinkedHashMap<>();
    private final int max;
    private final String fullMessage;

    ReplayWindow(int max, String fullMessage) {
      this.max = max;
      this.fullMessage = fullMessage;
    }

    synchronized void remember(String key, Instant now, Instant forgetAt) throws DpopException {
      for (Iterator<Map.Entry<String, Instant>> it = seen.entrySet().iterator(); it.hasNext(); ) {
        if (it.next().getValue().isAfter(now)) {
          break;
        }
        it.remove();
      }
      if (seen.containsKey(key)) {
        throw new DpopException(
            DpopException.REPLAY, "DPoP proof was already used (same jti); make a new proof");
      }
      if (seen.size() >= max) {
        // Fail closed rather than forget proofs that are still fresh enough to replay.
        throw new DpopException(DpopException.INVALID, fullMessage);
      }
      seen.put(key, forgetAt);
    }

    synchronized int size() {
      return seen.size();
    }
  }

  /** How many holder keys have a kept verifier. */
  int keptVerifiers() {
    synchronized (verifiers) {
      return verifiers.size();
    }
  }

  /** How many proofs are remembered for replay detection. */
  int remembered() {
    return bound.size() + unbound.size();
  }

  /** RFC 7638 SHA-256 thumbprint, base64url without padding. */
  public static String thumbprint(JWK jwk) throws DpopException {
    try {
      return jwk.computeThumbprint("SHA-256").toString();
    } catch (JOSEException e) {
      throw invalid("cannot compute the thumbprint of the DPoP key");
    }
  }

  /** {@code base64url(SHA-256(token))}, the {@code ath} of a proof presented with the token. */
  public static String accessTokenHash(String token) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes(token));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private JWSVerifier knownVerifier(String cacheId) {
    synchronized (verifiers) {
      return verifiers.get(cacheId);
    }
  }

  private static JWSVerifier ecVerifier(ECKey ec) throws DpopException, JOSEException {
    ECPublicKey bcKey;
    try {
      // BouncyCastle's P-256 verifies several times faster than SunEC's, but only with a key
      // object of its own (given a JDK key it rebuilds the curve and the key's precomputed
      // multiples on every verification).
      bcKey =
          (ECPublicKey)
              KeyFactory.getInstance("EC", BouncyCastleProviderSingleton.getInstance())
                  .translateKey(ec.toECPublicKey());
    } catch (GeneralSecurityException e) {
      throw invalid("DPoP proof EC key is not usable: " + e.getMessage());
    }
    ECDSAVerifier v = new ECDSAVerifier(bcKey);
    v.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
    return v;
  }

  private static JWSVerifier verifier(JWSHeader h, JWK jwk) throws DpopException, JOSEException {
    JWSAlgorithm alg = h.getAlgorithm();
    if (jwk instanceof ECKey ec && alg.equals(JWSAlgorithm.ES256)) {
      if (!Curve.P_256.equals(ec.getCurve())) {
        throw invalid("DPoP proof key for ES256 is on curve " + ec.getCurve() + ", not P-256");
      }
      return ecVerifier(ec);
    }
    if (jwk instanceof RSAKey rsa
        && (alg.equals(JWSAlgorithm.RS256) || alg.equals(JWSAlgorithm.PS256))) {
      if (rsa.size() < 2048) {
        throw invalid("DPoP proof RSA key has " + rsa.size() + " bits; at least 2048 required");
      }
      return new RSASSAVerifier(rsa);
    }
    if (jwk instanceof OctetKeyPair okp && alg.equals(JWSAlgorithm.EdDSA)) {
      if (!Curve.Ed25519.equals(okp.getCurve())) {
        throw invalid("DPoP proof key for EdDSA is on curve " + okp.getCurve() + ", not Ed25519");
      }
      try {
        return new Ed25519Verifier(okp.getDecodedX());
      } catch (IllegalArgumentException e) {
        throw invalid("DPoP proof Ed25519 key is not usable: " + e.getMessage());
      }
    }
    throw invalid("DPoP proof key type " + jwk.getKeyType() + " does not fit algorithm " + alg);
  }

  private static String stringClaim(JWTClaimsSet c, String name) throws DpopException {
    try {
      return c.getStringClaim(name);
    } catch (ParseException e) {
      throw invalid("DPoP proof claim " + name + " is not a string");
    }
  }

  private static DpopException invalid(String message) {
    return new DpopException(DpopException.INVALID, message);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String shorten(String s) {
    if (s == null) {
      return "(none)";
    }
    return s.length() <= 100 ? "'" + s + "'" : "'" + s.substring(0, 100) + "...'";
  }
}
