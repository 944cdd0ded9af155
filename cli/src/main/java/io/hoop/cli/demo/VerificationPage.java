package io.hoop.cli.demo;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.UrlEncodedContent;
import io.hoop.cli.HoopException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fills in the dev identity provider's verification page, as a person in a browser would. */
final class VerificationPage {
  private VerificationPage() {}

  /** The visible text of a small HTML page, for an error message. */
  static String textOf(String html) {
    String text =
        html.replaceAll("(?is)<(style|script|title)[^>]*>.*?</\\1>", " ")
            .replaceAll("<[^>]*>", " ")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .replaceAll("\\s+", " ")
            .strip();
    return text.length() > 200 ? text.substring(0, 197) + "..." : text;
  }

  static void approve(
      HttpTransport transport, String verificationUri, String userCode, String username) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("user_code", userCode);
    form.put("username", username);
    form.put("action", "approve");
    try {
      HttpRequest request =
          transport
              .createRequestFactory()
              .buildPostRequest(new GenericUrl(verificationUri), new UrlEncodedContent(form));
      request.setFollowRedirects(false);
      request.setThrowExceptionOnExecuteError(false);
      request.setConnectTimeout(10_000);
      request.setReadTimeout(10_000);
      HttpResponse response = request.execute();
      try {
        int status = response.getStatusCode();
        if (status >= 400) {
          String body;
          try (InputStream in = response.getContent()) {
            body = in == null ? "" : new String(in.readNBytes(4096), StandardCharsets.UTF_8);
          }
          throw new HoopException(
              "the verification page at "
                  + verificationUri
                  + " refused the form with HTTP "
                  + status
                  + ": "
                  + textOf(body));
        }
      } finally {
        response.disconnect();
      }
    } catch (IOException e) {
      throw new HoopException(
          "cannot post to the verification page at " + verificationUri + ": " + e.getMessage(), e);
    }
  }
}
