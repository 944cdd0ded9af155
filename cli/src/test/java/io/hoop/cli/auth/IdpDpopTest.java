package io.hoop.cli.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hoop.cli.HoopException;
import io.hoop.cli.identity.DpopKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DPoP at the identity provider (RFC 9449): proofs by the profile key on refresh and revocation,
 * one retry with the provider's nonce, discovery of DPoP and revocation, and issuers in clear only
 * on loopback.
 */
class IdpDpopTest {
  final HttpServer server;
  final List<String> proofs = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger tokenCalls = new AtomicInteger();
  volatile String discovery;

  IdpDpopTest() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/.well-known/openid-configuration", ex -> reply(ex, 200, discovery, null));
    server.createContext(
        "/token",
        ex -> {
          String proof = ex.getRequestHeaders().getFirst("DPoP");
          proofs.add(proof == null ? "" : proof);
          if (tokenCalls.incrementAndGet() == 1) {
            reply(ex, 400, "{\"error\":\"use_dpop_nonce\"}", "n-1");
          } else {
            reply(
                ex,
                200,
                "{\"id_token\":\"id\",\"access_token\":\"at\",\"refresh_token\":\"rt2\"}",
                "n-2");
          }
        });
    server.createContext(
        "/revoke",
        ex -> {
          String proof = ex.getRequestHeaders().getFirst("DPoP");
          proofs.add(proof == null ? "" : proof);
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  static void reply(HttpExchange ex, int status, String body, String nonce) throws IOException {
    ex.getRequestBody().readAllBytes();
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    if (nonce != null) {
      ex.getResponseHeaders().set("DPoP-Nonce", nonce);
    }
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void refreshCarriesAProofAndRetriesOnceWithTheNonce() throws Exception {
    DpopKey key = DpopKey.generate();
    TokenResponse t =
        new IdpTokenClient(new NetHttpTransport(), Clock.systemUTC())
            .refresh(url() + "/token", "hoop-cli", "rt1", key);
    assertThat(t.refreshToken()).isEqualTo("rt2");
    assertThat(proofs).hasSize(2);
    SignedJWT first = SignedJWT.parse(proofs.get(0));
    SignedJWT second = SignedJWT.parse(proofs.get(1));
    assertThat(first.getHeader().getJWK().computeThumbprint().toString())
        .isEqualTo(key.thumbprint());
    assertThat(first.getJWTClaimsSet().getStringClaim("htu")).isEqualTo(url() + "/token");
    assertThat(first.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
    assertThat(first.getJWTClaimsSet().getClaim("nonce")).isNull();
    assertThat(first.getJWTClaimsSet().getClaim("ath")).isNull();
    assertThat(second.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("n-1");
    assertThat(second.getJWTClaimsSet().getJWTID())
        .isNotEqualTo(first.getJWTClaimsSet().getJWTID());
  }

  @Test
  void aSecondNonceDemandIsNotRetriedForever() {
    tokenCalls.set(-5);
    server.removeContext("/token");
    server.createContext(
        "/token",
        ex -> {
          tokenCalls.incrementAndGet();
          reply(ex, 400, "{\"error\":\"use_dpop_nonce\"}", "n-" + tokenCalls.get());
        });
    assertThatThrownBy(
            () ->
                new IdpTokenClient(new NetHttpTransport(), Clock.systemUTC())
                    .refresh(url() + "/token", "hoop-cli", "rt1", DpopKey.generate()))
        .isInstanceOf(HoopException.NotLoggedIn.class)
        .hasMessageContaining("use_dpop_nonce");
    assertThat(tokenCalls.get()).isEqualTo(-3);
  }

  @Test
  void revocationSendsAProofAndAcceptsAnEmptyBody() throws Exception {
    DpopKey key = DpopKey.generate();
    new IdpTokenClient(new NetHttpTransport(), Clock.systemUTC())
        .revoke(url() + "/revoke", "hoop-cli", "rt1", key);
    assertThat(SignedJWT.parse(proofs.get(0)).getJWTClaimsSet().getStringClaim("htu"))
        .isEqualTo(url() + "/revoke");
  }

  @Test
  void discoveryTellsDpopAndRevocationAndPicksAKeyTheProviderTakes() {
    discovery =
        "{\"issuer\":\"%s\",\"token_endpoint\":\"%s/token\",\"revocation_endpoint\":\"%s/revoke\","
                .formatted(url(), url(), url())
            + "\"dpop_signing_alg_values_supported\":[\"ES256\",\"RS256\"]}";
    ProviderMetadata m =
        new DeviceFlowClient(new NetHttpTransport(), Sleeper.REAL, Clock.systemUTC())
            .discover(url());
    assertThat(m.revocationEndpoint()).isEqualTo(url() + "/revoke");
    DpopKey key = m.newKey();
    assertThat(key.algorithm()).isEqualTo("ES256");
    assertThat(m.bindsTo(key)).isTrue();
    assertThat(m.bindsTo(DpopKey.generate())).isFalse();

    ProviderMetadata none = new ProviderMetadata(url(), null, url() + "/token");
    assertThat(none.newKey().algorithm()).isEqualTo("EdDSA");
    assertThat(none.bindsTo(none.newKey())).isFalse();
  }

  @Test
  void plainHttpOnlyOnLoopbackForTheIssuerAndEveryEndpoint() {
    DeviceFlowClient client =
        new DeviceFlowClient(new NetHttpTransport(), Sleeper.REAL, Clock.systemUTC());
    for (String issuer :
        List.of(
            "http://idp.example.com/realms/a", "http://10.1.2.3:8080", "http://127.0.0.1.nip.io")) {
      assertThatThrownBy(() -> client.discover(issuer))
          .as(issuer)
          .isInstanceOf(HoopException.class)
          .hasMessageContaining("http:// only on loopback");
    }
    discovery =
        "{\"issuer\":\"%s\",\"token_endpoint\":\"http://idp.example.com/token\"}".formatted(url());
    assertThatThrownBy(() -> client.discover(url()))
        .hasMessageContaining("token endpoint 'http://idp.example.com/token'");
  }
}
