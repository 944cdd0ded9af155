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
import io.hoop.cli.identity.DpopKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * JSON-over-HTTP calls to an identity provider, with one-line errors that name its URL, and DPoP
 * proofs (RFC 9449) on the POSTs that ask for them, with the provider's nonce when it demands one.
 */
final class IdpHttp {
  private static final int TIMEOUT_MILLIS = 10_000;
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  static final String USE_DPOP_NONCE = "use_dpop_nonce";

  /** A status, a JSON object body and the {@code DPoP-Nonce} header, if any. */
  record Reply(int status, JsonNode json, String dpopNonce) {}

  private final HttpRequestFactory requests;
  private final Clock clock;
  // RFC 9449 section 8: the last nonce the provider sent goes into the next proof.
  private volatile String nonce;

  IdpHttp(HttpTransport transport, Clock clock) {
    this.requests = transport.createRequestFactory();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** GET when {@code form} is null, else POST of the form; {@code basic} is an Authorization. */
  Reply send(String url, Map<String, String> form, String basic) {
    return sendOnce(url, form, basic, null);
  }

  /**
   * POSTs the form with a DPoP proof by {@code key} (none when null); when the provider answers
   * {@code use_dpop_nonce} with a {@code DPoP-Nonce}, retries once with a proof carrying it.
   */
  Reply post(String url, Map<String, String> form, String basic, DpopKey key) {
    Objects.requireNonNull(form, "form");
    if (key == null) {
      return sendOnce(url, form, basic, null);
    }
    Reply reply = sendOnce(url, form, basic, key.proof("POST", url, null, nonce, clock.instant()));
    if (reply.dpopNonce() != null) {
      nonce = reply.dpopNonce();
    }
    if ((reply.status() == 400 || reply.status() == 401)
        && USE_DPOP_NONCE.equals(reply.json().path("error").asText(""))
        && reply.dpopNonce() != null) {
      reply = sendOnce(url, form, basic, key.proof("POST", url, null, nonce, clock.instant()));
      if (reply.dpopNonce() != null) {
        nonce = reply.dpopNonce();
      }
    }
    return reply;
  }

  private Reply sendOnce(String url, Map<String, String> form, String basic, String proof) {
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
      if (proof != null) {
        request.getHeaders().set("DPoP", proof);
      }
      HttpResponse response = request.execute();
      try {
        byte[] body;
        try (InputStream in = response.getContent()) {
          body = in == null ? new byte[0] : in.readNBytes(MAX_BODY_BYTES);
        }
        JsonNode json;
        try {
          // RFC 7009 revocation answers 200 with no body at all.
          json = body.length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
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
        return new Reply(
            response.getStatusCode(),
            json,
            response.getHeaders().getFirstHeaderStringValue("DPoP-Nonce"));
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
