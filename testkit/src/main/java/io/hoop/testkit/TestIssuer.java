package io.hoop.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CI-style OIDC token issuer for tests: its own RSA key pair, a discovery document and a JWKS
 * served over plain HTTP on 127.0.0.1 (brokers accept {@code http://} issuers on loopback only),
 * and a {@link #mint} that signs whatever claims a test wants, like GitHub Actions' or a Kubernetes
 * service-account issuer.
 */
public final class TestIssuer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicBoolean serving = new AtomicBoolean(true);
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private volatile RSAKey key;

  private TestIssuer(HttpServer server, RSAKey key) {
    this.server = server;
    this.key = key;
  }

  /** Starts an issuer on a free loopback port. */
  public static TestIssuer start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    TestIssuer issuer = new TestIssuer(server, newKey());
    server.createContext("/", issuer::handle);
    server.setExecutor(Executors.newFixedThreadPool(2, daemon()));
    server.start();
    return issuer;
  }

  /** The issuer URL, exactly as it appears in {@code iss}: {@code http://127.0.0.1:PORT}. */
  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * A token with {@code iss}, {@code aud}, {@code sub}, {@code iat}, {@code nbf}, {@code exp} (now
   * + ttl) and {@code jti} set, plus {@code claims} (which may override any of them; a null value
   * removes the claim).
   */
  public String mint(String audience, String subject, Map<String, ?> claims, Duration ttl) {
    Instant now = Instant.now();
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("iss", issuer());
    all.put("aud", audience);
    all.put("sub", subject);
    all.put("iat", now.getEpochSecond());
    all.put("nbf", now.getEpochSecond());
    all.put("exp", now.plus(ttl).getEpochSecond());
    all.put("jti", UUID.randomUUID().toString());
    all.putAll(claims);
    return sign(all);
  }

  /** Signs exactly these claims (epoch seconds for times) with the issuer's current key. */
  public String sign(Map<String, ?> claims) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
    claims.forEach(
        (k, v) -> {
          if (v == null) {
            return;
          }
          if ((k.equals("iat") || k.equals("nbf") || k.equals("exp")) && v instanceof Number n) {
            b.claim(k, Date.from(Instant.ofEpochSecond(n.longValue())));
          } else {
            b.claim(k, v);
          }
        });
    RSAKey k = key;
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(k.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            b.build());
    try {
      jwt.sign(new RSASSASigner(k));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a test token", e);
    }
    return jwt.serialize();
  }

  /** Replaces the signing key; the JWKS then publishes only the new one. */
  public void rotateKey() {
    key = newKey();
  }

  /**
   * Whether the discovery document and JWKS are served; when not, every request gets HTTP 503, as
   * from an IdP that is down.
   */
  public void serving(boolean on) {
    serving.set(on);
  }

  /** How many times the JWKS was fetched successfully. */
  public int jwksFetches() {
    return jwksFetches.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (!serving.get()) {
        reply(ex, 503, "{\"error\":\"unavailable\"}");
      } else if (path.equals("/.well-known/openid-configuration")) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer());
        doc.put("jwks_uri", issuer() + "/jwks");
        doc.put("id_token_signing_alg_values_supported", java.util.List.of("RS256"));
        doc.put("response_types_supported", java.util.List.of("id_token"));
        doc.put("subject_types_supported", java.util.List.of("public"));
        reply(ex, 200, Json.mapper().writeValueAsString(doc));
      } else if (path.equals("/jwks")) {
        jwksFetches.incrementAndGet();
        reply(ex, 200, new JWKSet(key.toPublicJWK()).toString());
      } else {
        reply(ex, 404, "{\"error\":\"not_found\"}");
      }
    }
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "test-issuer");
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
