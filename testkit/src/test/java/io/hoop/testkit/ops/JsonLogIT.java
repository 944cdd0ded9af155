package io.hoop.testkit.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.broker.ops.LogFormat;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.tls.Tls;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-format json} on a real broker: every line it logs while refusing requests that carry
 * secrets (a forged bearer token, an ID token, a token in the query, grant and session tokens in a
 * tunnel handshake) is one JSON object, and no secret appears in any of them.
 */
class JsonLogIT {
  private static final String BEARER = "eyJhbGciOiJIUzI1NiJ9.forged-bearer-S3CRET.c2ln";
  private static final String ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.forged-id-token-S3CRET.c2ln";
  private static final String QUERY_TOKEN = "query-token-S3CRET";
  private static final String GRANT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.forged-grant-S3CRET.c2ln";
  private static final String SESSION_TOKEN = "eyJhbGciOiJFUzI1NiJ9.forged-session-S3CRET.c2ln";

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;
  private Logger root;

  @BeforeEach
  void capture() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setName("json-log-it");
    appender.setEncoder(LogFormat.TEXT.encoder(ctx));
    appender.setOutputStream(captured);
    appender.start();
    root.addAppender(appender);
    // What hoop-broker serve --log-format json does: every stream appender writes JSON.
    LogFormat.JSON.apply();
  }

  @AfterEach
  void restore() {
    LogFormat.TEXT.apply();
    root.detachAppender(appender);
    appender.stop();
  }

  @Test
  void everyLineIsJsonAndNoSecretOfARefusedRequestIsLogged() throws Exception {
    try (BrokerFixture broker =
        BrokerFixture.start(
            """
            devIdp:
              users:
                - username: alice
                  groups: [engineering]
            targets:
              - name: db
                type: tcp
                address: 127.0.0.1:1
            """)) {
      HttpClient http =
          HttpClient.newBuilder().sslContext(Tls.jdkClientPinned(broker.fingerprint())).build();
      List<HttpResponse<String>> answers = new ArrayList<>();
      answers.add(
          http.send(
              HttpRequest.newBuilder(URI.create(broker.url() + "/v1/whoami"))
                  .header("Authorization", "Bearer " + BEARER)
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      answers.add(
          http.send(
              HttpRequest.newBuilder(URI.create(broker.url() + "/v1/auth/session"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"idToken\":\"" + ID_TOKEN + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      answers.add(
          http.send(
              HttpRequest.newBuilder(
                      URI.create(broker.url() + "/v1/grants/x?access_token=" + QUERY_TOKEN))
                  .header("Authorization", "DPoP " + BEARER)
                  .header("DPoP", SESSION_TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      answers.add(
          http.send(
              HttpRequest.newBuilder(URI.create(broker.url() + "/nowhere?token=" + QUERY_TOKEN))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
      assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isBetween(400, 499));
      String refusal = handshake(broker, new Handshake(GRANT_TOKEN, SESSION_TOKEN));
      assertThat(refusal).contains("unauthenticated");

      // The refusals are logged (and audited) off the request threads: wait for the tunnel's line.
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!captured.toString(StandardCharsets.UTF_8).contains("tunnel refused")
          && System.nanoTime() < end) {
        Thread.sleep(100);
      }
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    List<String> lines = log.lines().toList();
    assertThat(lines).hasSizeGreaterThan(3);
    for (String line : lines) {
      JsonNode n = Json.mapper().readTree(line);
      assertThat(n.isObject()).as(line).isTrue();
      assertThat(n.path("level").asText()).as(line).isNotEmpty();
      assertThat(n.path("formattedMessage").isTextual()).as(line).isTrue();
    }
    assertThat(log).contains("tunnel refused").contains("broker listening");
    for (String secret :
        List.of(BEARER, ID_TOKEN, QUERY_TOKEN, GRANT_TOKEN, SESSION_TOKEN, "S3CRET")) {
      assertThat(log).as("the log must not hold %s", secret).doesNotContain(secret);
    }
  }

  /** A tunnel handshake over TLS as the CLI frames it; returns the broker's reply. */
  private static String handshake(BrokerFixture broker, Handshake h) throws Exception {
    try (SSLSocket s =
        (SSLSocket)
            Tls.jdkClientPinned(broker.fingerprint())
                .getSocketFactory()
                .createSocket("127.0.0.1", broker.port())) {
      s.setSoTimeout(10_000);
      byte[] body = Json.mapper().writeValueAsBytes(h);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.write(new byte[] {'H', 'O', 'O', 'P'});
      out.writeInt(body.length);
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
