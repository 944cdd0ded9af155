package io.hoop.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Durations;
import io.hoop.api.Json;
import io.hoop.broker.admin.AdminClient;
import io.hoop.broker.admin.AdminSocket;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.TokenStore;
import io.hoop.broker.token.AdminTokens;
import io.hoop.broker.token.TokenService;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hoop-broker token}: admin-minted broker tokens for agents ({@code HOOP_TOKEN}): always
 * expiring (at most 24 h), unbound (Bearer), listed and revoked by id, every creation and
 * revocation audited. While a broker runs on the data dir, the commands go through its admin socket
 * ({@link AdminSocket}: the embedded store is locked by the broker); otherwise they work on the
 * store directly. A running broker refuses a revoked token within seconds.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Create, list and revoke admin-minted broker tokens (HOOP_TOKEN) for agents.",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    },
    footer = {
      "",
      "Examples:",
      "  export HOOP_TOKEN=$(hoop-broker token create --principal deploy-bot --group ci --ttl 1h \\",
      "      --config /etc/hoop/broker.yaml --data-dir /var/lib/hoop)",
      "  hoop-broker token list -o json --data-dir /var/lib/hoop",
      "  hoop-broker token revoke t-6f1c2a... --data-dir /var/lib/hoop"
    })
final class TokenCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static String operator() {
    return "admin:" + System.getProperty("user.name", "unknown");
  }

  /**
   * Runs a request on the broker of the data dir if one runs there, else on the store directly.
   * Either way the answer has the admin socket's shape ({@code ok}, a field, or {@code error}).
   */
  static JsonNode run(
      StoreOptions where,
      Map<String, Object> request,
      Function<AdminTokens, Map<String, Object>> direct)
      throws Exception {
    Optional<JsonNode> viaBroker = AdminClient.call(where.dir(), request);
    if (viaBroker.isPresent()) {
      return viaBroker.get();
    }
    try (Store store = where.open()) {
      AdminTokens tokens =
          new AdminTokens(
              store, TokenService.loadOrCreate(where.dir(), Clock.systemUTC()), Clock.systemUTC());
      return Json.mapper().valueToTree(direct.apply(tokens));
    }
  }

  /** The answer's field, or a refusal naming the broker's reason. */
  static JsonNode field(CommandLine cl, JsonNode answer, String field) {
    if (!answer.path("ok").asBoolean(false)) {
      throw new CommandLine.ExecutionException(
          cl, "hoop-broker: " + answer.path("error").asText("the broker refused the request"));
    }
    return answer.path(field);
  }

  /** {@code hoop-broker token create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Mint a token for an agent and print it once on stdout (its id goes to stderr).",
      footer = {
        "",
        "Examples:",
        "  hoop-broker token create --principal deploy-bot --group ci --ttl 1h",
        "  hoop-broker token create --principal nightly-report --ttl 8h -o json"
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions where;

    @Option(
        names = "--principal",
        required = true,
        paramLabel = "NAME",
        description = "The agent's own name; becomes token:NAME. One token per agent.")
    String principal;

    @Option(names = "--group", paramLabel = "GROUP", description = "A group (repeatable).")
    List<String> groups = new ArrayList<>();

    @Option(
        names = "--ttl",
        required = true,
        paramLabel = "DURATION",
        description = "Lifetime, e.g. 1h or 30m; at most 24h.")
    String ttl;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "text",
        description = "text (the token alone) or json ({id, token, principal, expiresAt}).")
    String output;

    @Override
    public Integer call() throws Exception {
      Duration d;
      try {
        d = Durations.parse(ttl);
        AdminTokens.checkTtl(d);
        AdminTokens.principal(principal);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            e.getMessage().startsWith("--") ? e.getMessage() : "--ttl: " + e.getMessage());
      }
      for (String g : groups) {
        if (g.isBlank()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--group must not be empty");
        }
      }
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("op", "token.create");
      request.put("principal", principal);
      request.put("groups", groups);
      request.put("ttlSeconds", d.toSeconds());
      JsonNode created =
          field(
              spec.commandLine(),
              run(
                  where,
                  request,
                  tokens ->
                      Map.of(
                          "ok",
                          true,
                          "created",
                          tokens.create(principal, groups, d, operator()).fields())),
              "created");
      PrintWriter out = spec.commandLine().getOut();
      if ("json".equals(output)) {
        out.println(Json.mapper().writeValueAsString(created));
      } else {
        out.println(created.path("token").asText());
      }
      out.flush();
      spec.commandLine()
          .getErr()
          .println(
              "created token "
                  + created.path("id").asText()
                  + " for "
                  + created.path("principal").asText()
                  + ", expires "
                  + created.path("expiresAt").asText()
                  + " (shown once; revoke with: hoop-broker token revoke "
                  + created.path("id").asText()
                  + ")");
      return 0;
    }
  }

  /** {@code hoop-broker token list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List admin-minted tokens (never the tokens themselves).",
      footer = {"", "Examples:", "  hoop-broker token list", "  hoop-broker token list -o json"})
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions where;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table or json (an array)")
    String output;

    @Override
    public Integer call() throws Exception {
      JsonNode rows =
          field(
              spec.commandLine(),
              run(
                  where,
                  Map.of("op", "token.list"),
                  tokens -> {
                    List<Map<String, Object>> list = new ArrayList<>();
                    for (TokenStore.AdminToken t : tokens.list()) {
                      list.add(tokens.listing(t));
                    }
                    return Map.of("ok", true, "tokens", list);
                  }),
              "tokens");
      PrintWriter out = spec.commandLine().getOut();
      if ("json".equals(output)) {
        out.println(Json.mapper().writeValueAsString(rows));
      } else {
        out.printf("%-40s %-30s %-8s %-22s %s%n", "ID", "PRINCIPAL", "STATUS", "EXPIRES", "GROUPS");
        for (JsonNode t : rows) {
          List<String> groups = new ArrayList<>();
          t.path("groups").forEach(g -> groups.add(g.asText()));
          out.printf(
              "%-40s %-30s %-8s %-22s %s%n",
              t.path("id").asText(),
              t.path("principal").asText(),
              t.path("status").asText(),
              t.path("expiresAt").asText(),
              String.join(",", groups));
        }
      }
      return 0;
    }
  }

  /** {@code hoop-broker token revoke}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token; a running broker refuses it within seconds.",
      footer = {"", "Examples:", "  hoop-broker token revoke t-6f1c2a..."})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions where;

    @Parameters(paramLabel = "ID", description = "The token id from token create or token list.")
    String id;

    @Override
    public Integer call() throws Exception {
      JsonNode answer =
          run(
              where,
              Map.of("op", "token.revoke", "id", id),
              tokens ->
                  tokens.revoke(id, operator()).isPresent()
                      ? Map.of("ok", true, "revoked", Map.of("id", id))
                      : Map.of("ok", false, "error", "no admin token " + id + " (see token list)"));
      if (!answer.path("ok").asBoolean(false)) {
        spec.commandLine().getErr().println("hoop-broker: " + answer.path("error").asText());
        return 1;
      }
      spec.commandLine().getOut().println("revoked token " + id);
      return 0;
    }
  }
}
