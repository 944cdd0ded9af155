package io.hoop.cli.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/** A tiny identity provider on a real socket: scripted token endpoint answers, recorded forms. */
public final class FakeIdp implements AutoCloseable {
  record Answer(int status, String body) {}

  private final HttpServer server;
  private final Deque<Answer> tokenAnswers = new ArrayDeque<>();
  final List<String> tokenForms = Collections.synchronizedList(new ArrayList<>());
  final List<String> deviceForms = Collections.synchronizedList(new ArrayList<>());
  volatile String deviceAnswer =
      "{\"device_code\":\"dev-secret\",\"user_code\":\"ABCD-EFGH\","
          + "\"verification_uri\":\"https://idp.test/device\","
          + "\"verification_uri_complete\":\"https://idp.test/device?user_code=ABCD-EFGH\","
          + "\"expires_in\":600,\"interval\":1}";

  public FakeIdp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/.well-known/openid-configuration",
        ex ->
            reply(
                ex,
                200,
                "{\"issuer\":\""
                    + url()
                    + "\",\"device_authorization_endpoint\":\""
                    + url()
                    + "/device\",\"token_endpoint\":\""
                    + url()
                    + "/token\"}"));
    server.createContext(
        "/device",
        ex -> {
          deviceForms.add(body(ex));
          reply(ex, 200, deviceAnswer);
        });
    server.createContext(
        "/token",
        ex -> {
          tokenForms.add(body(ex));
          Answer answer;
          synchronized (tokenAnswers) {
            answer = tokenAnswers.isEmpty() ? new Answer(500, "{}") : tokenAnswers.poll();
          }
          reply(ex, answer.status(), answer.body());
        });
    server.start();
  }

  /** The forms posted to the token endpoint, in order. */
  public List<String> tokenForms() {
    return tokenForms;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public FakeIdp thenToken(int status, String body) {
    synchronized (tokenAnswers) {
      tokenAnswers.add(new Answer(status, body));
    }
    return this;
  }

  public FakeIdp thenError(String error) {
    return thenToken(400, "{\"error\":\"" + error + "\"}");
  }

  private static String body(HttpExchange ex) throws IOException {
    return new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
