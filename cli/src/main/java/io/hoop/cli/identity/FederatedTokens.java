package io.hoop.cli.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import io.hoop.api.Json;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.config.LoginSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a workload's own identity token comes from: a file (Kubernetes projected service-account
 * token), an environment variable, or the GitHub Actions OIDC endpoint.
 */
public final class FederatedTokens {
  /** Set by GitHub Actions when the job has {@code permissions: id-token: write}. */
  public static final String GITHUB_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";

  public static final String GITHUB_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

  private static final int MAX_TOKEN_BYTES = 64 * 1024;

  private FederatedTokens() {}

  /** Whether this process runs in GitHub Actions with an OIDC token available. */
  public static boolean inGithubActions(CliEnvironment env) {
    return env.get(GITHUB_URL) != null && env.get(GITHUB_TOKEN) != null;
  }

  /** Reads the token a login source names, now (files and variables may have rotated). */
  public static String read(LoginSource source, CliEnvironment env) {
    if (source.tokenFile() != null) {
      return SecretFiles.readNonEmpty(Path.of(source.tokenFile()), "federated token file");
    }
    if (source.tokenEnv() != null) {
      String value = env.get(source.tokenEnv());
      if (value == null) {
        throw new HoopException.Usage(
            "environment variable " + source.tokenEnv() + " is not set or empty");
      }
      return value.strip();
    }
    if (source.githubAudience() != null) {
      return github(env, source.githubAudience());
    }
    throw new IllegalArgumentException("login source " + source + " names no federated token");
  }

  /** GitHub Actions: {@code GET $URL&audience=AUD} with the request token, JSON {@code value}. */
  static String github(CliEnvironment env, String audience) {
    // GitHub's endpoint has a public certificate: the JVM's default trust, not the broker pin.
    HttpTransport transport = new NetHttpTransport();
    String base = env.get(GITHUB_URL);
    String bearer = env.get(GITHUB_TOKEN);
    if (base == null || bearer == null) {
      throw new HoopException.NotLoggedIn(
          "not in a GitHub Actions job with an OIDC token ("
              + GITHUB_URL
              + " and "
              + GITHUB_TOKEN
              + " are unset; the workflow needs 'permissions: id-token: write')");
    }
    String url =
        base
            + (base.contains("?") ? "&" : "?")
            + "audience="
            + URLEncoder.encode(audience, StandardCharsets.UTF_8);
    try {
      HttpRequest request = transport.createRequestFactory().buildGetRequest(new GenericUrl(url));
      request.setConnectTimeout(10_000);
      request.setReadTimeout(10_000);
      request.setThrowExceptionOnExecuteError(false);
      request.getHeaders().setAuthorization("Bearer " + bearer);
      request.getHeaders().setAccept("application/json");
      HttpResponse response = request.execute();
      try (InputStream in = response.getContent()) {
        byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_TOKEN_BYTES);
        if (response.getStatusCode() != 200) {
          throw new HoopException(
              "GitHub Actions refused the OIDC token request (HTTP "
                  + response.getStatusCode()
                  + "); does the job have 'permissions: id-token: write'?");
        }
        JsonNode json = Json.mapper().readTree(body);
        JsonNode value = json == null ? null : json.get("value");
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
          throw new HoopException(
              "GitHub Actions answered the OIDC token request without a 'value' field");
        }
        return value.asText();
      } finally {
        response.disconnect();
      }
    } catch (IOException e) {
      String host = url.replaceAll("^(https?://[^/]+).*$", "$1");
      throw new HoopException(
          "cannot reach the GitHub Actions OIDC endpoint " + host + ": " + e.getMessage(), e);
    }
  }
}
