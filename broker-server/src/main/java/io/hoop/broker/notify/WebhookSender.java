package io.hoop.broker.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts one delivery over HTTP(S) with a hard timeout; redirects are not followed. */
final class WebhookSender {
  private final HttpClient http;
  private final Duration timeout;

  WebhookSender(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The receiver's status code. */
  int post(Delivery d) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(d.webhook().url())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "hoop-broker")
            .header("X-Hoop-Event", d.event().wireName())
            .header("X-Hoop-Delivery", d.id())
            .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()));
    d.webhook()
        .secret()
        .ifPresent(
            s ->
                b.header(WebhookPayloads.SIGNATURE_HEADER, WebhookPayloads.signature(s, d.body())));
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
