package io.hoop.broker.governance;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.broker.config.GovernanceSection;
import io.hoop.broker.policy.JiraTaskRule;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads one issue from Jira's REST API ({@code GET /rest/api/2/issue/{key}?fields=status,assignee})
 * within the configured timeout. Never throws for Jira's failures: they become an {@link
 * JiraTaskRule.Lookup#UNAVAILABLE} result naming what happened, without the token.
 */
public final class JiraClient {
  private static final int MAX_BODY = 1024 * 1024;

  private final GovernanceSection.Jira jira;
  private final HttpClient http;
  private final String authorization;

  public JiraClient(GovernanceSection.Jira jira) {
    this.jira = jira;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(jira.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.authorization =
        jira.user()
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (u + ":" + jira.token()).getBytes(StandardCharsets.UTF_8)))
            .orElse("Bearer " + jira.token());
  }

  /** The config this client was built from. */
  public GovernanceSection.Jira config() {
    return jira;
  }

  /**
   * What Jira says about issue {@code key}.
   *
   * @param lookup FOUND with the issue, MISSING, or UNAVAILABLE with a detail for humans
   */
  public record Result(
      JiraTaskRule.Lookup lookup, Optional<JiraTaskRule.Issue> issue, String detail) {
    static Result unavailable(String detail) {
      return new Result(JiraTaskRule.Lookup.UNAVAILABLE, Optional.empty(), detail);
    }
  }

  public Result issue(String key) {
    URI uri =
        URI.create(
            jira.baseUrl()
                + "/rest/api/2/issue/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20")
                + "?fields=status,assignee");
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .timeout(jira.timeout())
            .header("Accept", "application/json")
            .header("Authorization", authorization)
            .GET()
            .build();
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      return Result.unavailable(
          "Jira at "
              + jira.baseUrl()
              + " did not answer within "
              + jira.timeout().toMillis()
              + " ms");
    } catch (IOException e) {
      return Result.unavailable(
          "cannot reach Jira at " + jira.baseUrl() + ": " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.unavailable("interrupted while asking Jira");
    }
    int code = resp.statusCode();
    if (code == 404) {
      return new Result(JiraTaskRule.Lookup.MISSING, Optional.empty(), "HTTP 404");
    }
    if (code == 401 || code == 403) {
      return Result.unavailable(
          "Jira refused the broker's credentials with HTTP " + code + "; check jira.tokenFile");
    }
    if (code != 200) {
      return Result.unavailable("Jira answered HTTP " + code);
    }
    if (resp.body().length > MAX_BODY) {
      return Result.unavailable("Jira's answer is larger than " + MAX_BODY + " bytes");
    }
    try {
      JsonNode fields = Json.mapper().readTree(resp.body()).path("fields");
      String status = fields.path("status").path("name").asText("");
      if (status.isEmpty()) {
        return Result.unavailable("Jira's answer has no fields.status.name");
      }
      JsonNode a = fields.path("assignee");
      Optional<JiraTaskRule.Assignee> assignee =
          a.isObject()
              ? Optional.of(
                  new JiraTaskRule.Assignee(
                      text(a, "name"),
                      text(a, "key"),
                      text(a, "emailAddress"),
                      text(a, "displayName")))
              : Optional.empty();
      return new Result(
          JiraTaskRule.Lookup.FOUND,
          Optional.of(new JiraTaskRule.Issue(key, status, assignee)),
          "");
    } catch (IOException e) {
      return Result.unavailable("Jira's answer is not JSON");
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
