package io.hoop.broker.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.hoop.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OIDC issuer's discovery document and signing keys, fetched lazily over HTTPS and cached; keys
 * are refetched when a token names an unknown key, at most once per {@link #MIN_REFETCH}.
 */
final class RemoteIssuer implements JWKSource<SecurityContext> {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final Duration MIN_REFETCH = Duration.ofMinutes(1);
  // Keys an IdP has withdrawn must eventually stop verifying tokens, even without an unknown kid.
  static final Duration MAX_KEY_AGE = Duration.ofMinutes(15);
  static final int MAX_DOCUMENT_BYTES = 1 << 20;
  static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);

  private static final Logger log = LoggerFactory.getLogger(RemoteIssuer.class);

  private final String issuer;
  private final HttpClient http;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration refreshAfter;

  // Guarded by this.
  private URI jwksUri;
  private JWKSet keys;
  private Instant fetchedAt;
  private Instant lastAttemptAt;
  private String lastError;

  /**
   * @param maxAge how long fetched keys stay usable when the issuer cannot be reached; after that
   *     every token is refused until a fetch succeeds
   */
  RemoteIssuer(String issuer, SSLContext sslContext, Clock clock, Duration maxAge) {
    this.issuer = issuer;
    this.clock = clock;
    this.maxAge = maxAge;
    this.refreshAfter = maxAge.compareTo(MAX_KEY_AGE) < 0 ? maxAge : MAX_KEY_AGE;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1);
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    this.http = builder.build();
  }

  @Override
  public synchronized List<JWK> get(JWKSelector selector, SecurityContext context)
      throws KeySourceException {
    Instant now = clock.instant();
    boolean fetchedNow = false;
    if (keys == null) {
      refresh(now);
      fetchedNow = true;
    } else if (!now.isBefore(fetchedAt.plus(refreshAfter)) && mayRefetch(now)) {
      try {
        refresh(now);
        fetchedNow = true;
      } catch (KeySourceException e) {
        // A brief IdP outage must not lock everybody out: keep the keys we have a while longer.
        log.warn("event=jwks_refresh_failed issuer={} reason={}", issuer, e.getMessage());
        lastError = e.getMessage();
      }
    }
    if (!now.isBefore(fetchedAt.plus(maxAge))) {
      // Fail closed: keys this old may have been withdrawn by the IdP long ago.
      throw new KeySourceException(
          "the signing keys of identity provider "
              + issuer
              + " were last fetched at "
              + fetchedAt
              + ", longer ago than jwksMaxAge "
              + maxAge
              + ", and it cannot be reached now"
              + (lastError == null ? "" : " (" + lastError + ")"));
    }
    List<JWK> found = selector.select(keys);
    if (found.isEmpty() && !fetchedNow && mayRefetch(now)) {
      // The IdP may have rotated its keys since we last looked.
      refresh(now);
      found = selector.select(keys);
    }
    return found;
  }

  private boolean mayRefetch(Instant now) {
    return !now.isBefore(lastAttemptAt.plus(MIN_REFETCH));
  }

  private void refresh(Instant now) throws KeySourceException {
    lastAttemptAt = now;
    if (jwksUri == null) {
      jwksUri = discoverJwksUri();
    }
    String body = fetch(jwksUri, "JWKS");
    try {
      keys = JWKSet.parse(body).toPublicJWKSet();
    } catch (ParseException e) {
      throw new KeySourceException(
          "the JWKS at " + jwksUri + " of issuer " + issuer + " is not a valid JWK set", e);
    }
    fetchedAt = now;
    lastError = null;
  }

  private URI discoverJwksUri() throws KeySourceException {
    URI discovery = URI.create(stripSlash(issuer) + "/.well-known/openid-configuration");
    JsonNode doc;
    try {
      doc = Json.mapper().readTree(fetch(discovery, "discovery document"));
    } catch (IOException e) {
      throw new KeySourceException(
          "the discovery document at " + discovery + " is not valid JSON", e);
    }
    String advertised = doc.path("issuer").asText(null);
    if (!issuer.equals(advertised)) {
      throw new KeySourceException(
          "the discovery document at "
              + discovery
              + " names issuer "
              + quote(advertised)
              + "; expected "
              + quote(issuer));
    }
    String jwks = doc.path("jwks_uri").asText(null);
    if (jwks == null || jwks.isBlank()) {
      throw new KeySourceException("the discovery document at " + discovery + " has no jwks_uri");
    }
    try {
      return URI.create(jwks);
    } catch (IllegalArgumentException e) {
      throw new KeySourceException(
          "the discovery document at " + discovery + " has an invalid jwks_uri " + quote(jwks), e);
    }
  }

  private String fetch(URI uri, String what) throws KeySourceException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new KeySourceException(
          "cannot reach identity provider "
              + issuer
              + " to fetch its "
              + what
              + " from "
              + uri
              + ": "
              + describe(e),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeySourceException("interrupted while fetching " + uri, e);
    }
    try (InputStream in = response.body()) {
      byte[] body = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
      if (response.statusCode() != 200) {
        throw new KeySourceException(
            "identity provider "
                + issuer
                + " answered HTTP "
                + response.statusCode()
                + " for its "
                + what
                + " at "
                + uri
                + "; expected 200");
      }
      if (body.length > MAX_DOCUMENT_BYTES) {
        throw new KeySourceException(
            "the " + what + " at " + uri + " exceeds " + MAX_DOCUMENT_BYTES + " bytes");
      }
      return new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new KeySourceException(
          "cannot read the " + what + " of identity provider " + issuer + " from " + uri, e);
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }

  static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static String quote(String s) {
    return s == null ? "(none)" : "'" + s + "'";
  }
}
