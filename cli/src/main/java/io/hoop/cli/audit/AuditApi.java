package io.hoop.cli.audit;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import io.hoop.api.ApiError;
import io.hoop.api.Json;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.RequestAuth;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The audit endpoints that do not fit {@link BrokerClient}'s buffered JSON calls: the export is
 * streamed line by line, the public key is a bare JWK.
 */
final class AuditApi {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  // A big export takes the broker a while to assemble before the first byte.
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
  private static final int MAX_KEY_BYTES = 16 * 1024;
  private static final int MAX_ERROR_BYTES = 64 * 1024;

  private final String baseUrl;
  private final HttpTransport transport;
  private final RequestAuth auth;

  AuditApi(String baseUrl, HttpTransport transport, RequestAuth auth) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.transport = transport;
    this.auth = auth;
  }

  /** {@code GET /v1/audit/public-key}: the JWK text. */
  String publicKey() {
    return call(
        "/v1/audit/public-key",
        in -> {
          byte[] b = in.readNBytes(MAX_KEY_BYTES + 1);
          if (b.length > MAX_KEY_BYTES) {
            throw new HoopException(
                "the broker's audit public key is over "
                    + MAX_KEY_BYTES
                    + " bytes; expected a JWK");
          }
          return new String(b, StandardCharsets.UTF_8);
        });
  }

  /** {@code GET /v1/audit/export}: copies the JSON Lines to {@code out}; returns the line count. */
  long export(String since, String task, String target, PrintWriter out) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("since", since);
    q.put("task", task);
    q.put("target", target);
    String query =
        q.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return call(
        "/v1/audit/export" + (query.isEmpty() ? "" : "?" + query),
        in -> {
          BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
          long n = 0;
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            out.print(line);
            out.print('\n');
            n++;
          }
          out.flush();
          return n;
        });
  }

  @FunctionalInterface
  private interface Body<T> {
    T read(InputStream in) throws IOException;
  }

  private <T> T call(String path, Body<T> body) {
    String url = baseUrl + path;
    try {
      HttpRequest request = transport.createRequestFactory().buildGetRequest(new GenericUrl(url));
      request.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      request.setReadTimeout((int) READ_TIMEOUT.toMillis());
      request.setThrowExceptionOnExecuteError(false);
      auth.apply(request.getHeaders(), "GET", url);
      HttpResponse response = request.execute();
      try (InputStream in = response.getContent()) {
        int status = response.getStatusCode();
        if (status >= 200 && status < 300) {
          return body.read(in == null ? InputStream.nullInputStream() : in);
        }
        byte[] err = in == null ? new byte[0] : in.readNBytes(MAX_ERROR_BYTES);
        throw error(status, err);
      } finally {
        response.disconnect();
      }
    } catch (IOException e) {
      throw BrokerClient.unreachable(baseUrl, e);
    }
  }

  private static RuntimeException error(int status, byte[] bytes) {
    ApiError error = null;
    try {
      ApiError.Envelope envelope = Json.mapper().readValue(bytes, ApiError.Envelope.class);
      error = envelope == null ? null : envelope.error();
    } catch (IOException e) {
      // Not an envelope (a proxy's page): the status alone says enough.
    }
    if (status == 401) {
      String why = error != null && error.message() != null ? error.message() : "not logged in";
      return new HoopException.NotLoggedIn(why + "; run hoop login");
    }
    return new BrokerException(status, error);
  }
}
