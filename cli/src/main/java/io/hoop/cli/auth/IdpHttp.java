package io.hoop.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.UrlEncodedContent;
import io.hoop.api.Json;
import io.hoop.cli.HoopException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;

/** JSON-over-HTTP calls to an identity provider, with one-line errors that name its URL. */
final class IdpHttp {
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final int MAX_BODY_BYTES = 1024 * 1024;

  /** A status and a JSON object body. */
  record Reply(int status, JsonNode json) {}

  private final HttpRequestFactory requests;

  IdpHttp(HttpTransport transport) {
    this.requests = transport.createRequestFactory();
  }

  /** GET when {@code form} is null, else POST of the form; {@code basic} is an Authorization. */
  Reply send(String url, Map<String, String> form, String basic) {
    try {
      HttpContent content = form == null ? null : new UrlEncodedContent(form);
      HttpRequest request =
          requests.buildRequest(form == null ? "GET" : "POST", new GenericUrl(url), content);
      request.setConnectTimeout(TIMEOUT_MILLIS);
      request.setReadTimeout(TIMEOUT_MILLIS);
      request.setThrowExceptionOnExecuteError(false);
      request.getHeaders().setAccept("application/json");
      if (basic != null) {
        request.getHeaders().setAuthorization(basic);
      }
      HttpResponse response = request.execute();
      try {
        byte[] body;
        try (InputStream in = response.getContent()) {
          body = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES);
        }
        JsonNode json;
        try {
          json = Json.mapper().readTree(body);
        } catch (IOException e) {
          json = null;
        }
        if (json == null || !json.isObject()) {
          throw new HoopException(
              "identity provider at "
                  + url
                  + " answered HTTP "
                  + response.getStatusCode()
                  + " with a body that is not a JSON object");
        }
        return new Reply(response.getStatusCode(), json);
      } finally {
        response.disconnect();
      }
    } catch (IOException e) {
      throw new HoopException("cannot reach identity provider at " + url + ": " + why(e), e);
    }
  }

  private static String why(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e instanceof SocketTimeoutException) {
      return "no answer within " + TIMEOUT_MILLIS / 1000 + " s";
    }
    return e.toString();
  }

  /** {@code error: description} of an OAuth error body, or the status. */
  static String describeError(JsonNode json, int status) {
    String error = json.path("error").asText("");
    String description = json.path("error_description").asText("");
    if (error.isEmpty()) {
      return "HTTP " + status;
    }
    return description.isEmpty() ? error : error + ": " + description;
  }

  static String text(JsonNode json, String field, String url, boolean required) {
    JsonNode node = json.get(field);
    if (node == null || node.isNull() || !node.isTextual() || node.asText().isEmpty()) {
      if (required) {
        throw new HoopException(
            "identity provider response from " + url + " has no string field '" + field + "'");
      }
      return null;
    }
    return node.asText();
  }
}
