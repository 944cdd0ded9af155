package io.hoop.broker;

import io.hoop.api.Durations;
import io.hoop.api.Json;
import io.hoop.api.Principal;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.TokenStore;
import io.hoop.broker.token.TokenService;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hoop-broker token}: admin-minted broker tokens for agents ({@code HOOP_TOKEN}): always
 * expiring (at most 24 h), unbound (Bearer), listed and revoked by id, every creation and
 * revocation audited. Works on the broker's store directly; a running broker refuses a revoked
 * token within seconds.
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
  static final Duration MAX_TTL = Duration.ofHours(24);
  static final String PREFIX = "token:";
  static final String METHOD = "admin-token";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static String operator() {
    return "admin:" + System.getProperty("user.name", "unknown");
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
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--ttl: " + e.getMessage());
      }
      if (d.isZero() || d.isNegative() || d.compareTo(MAX_TTL) > 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--ttl " + ttl + " is out of range; expected more than 0 and at most 24h");
      }
      String name = principal.startsWith(PREFIX) ? principal : PREFIX + principal;
      if (name.length() > 200
          || name.length() == PREFIX.length()
          || !name.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--principal '" + principal + "' must be 1-190 printable characters without spaces");
      }
      for (String g : groups) {
        if (g.isBlank()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--group must not be empty");
        }
      }
      Clock clock = Clock.systemUTC();
      String id = "t-" + UUID.randomUUID();
      Principal p = new Principal(name, null, List.copyOf(groups), METHOD);
      TokenService.IssuedToken token =
          TokenService.loadOrCreate(where.dir(), clock).issueSession(p, d, null, id);
      Instant now = clock.instant();
      try (Store store = where.open()) {
        new TokenStore(store)
            .addAdminToken(
                new TokenStore.AdminToken(
                    id, name, groups, now, token.expiresAt(), operator(), Optional.empty()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tokenId", id);
        details.put("groups", groups);
        details.put("expiresAt", token.expiresAt().toString());
        details.put("by", operator());
        new AuditLog(store, clock).append("admin_token_created", name, null, null, null, details);
      }
      PrintWriter out = spec.commandLine().getOut();
      if ("json".equals(output)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("token", token.token());
        m.put("principal", name);
        m.put("expiresAt", token.expiresAt().toString());
        out.println(Json.mapper().writeValueAsString(m));
      } else {
        out.println(token.token());
      }
      out.flush();
      spec.commandLine()
          .getErr()
          .println(
              "created token "
                  + id
                  + " for "
                  + name
                  + ", expires "
                  + token.expiresAt()
                  + " (shown once; revoke with: hoop-broker token revoke "
                  + id
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
      List<TokenStore.AdminToken> tokens;
      try (Store store = where.open()) {
        tokens = new TokenStore(store).adminTokens();
      }
      Instant now = Instant.now();
      PrintWriter out = spec.commandLine().getOut();
      if ("json".equals(output)) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TokenStore.AdminToken t : tokens) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", t.id());
          m.put("principal", t.principal());
          m.put("groups", t.groups());
          m.put("createdAt", t.createdAt().toString());
          m.put("expiresAt", t.expiresAt().toString());
          m.put("createdBy", t.createdBy());
          m.put("revokedAt", t.revokedAt().map(Instant::toString).orElse(null));
          m.put("status", status(t, now));
          rows.add(m);
        }
        out.println(Json.mapper().writeValueAsString(rows));
      } else {
        out.printf("%-40s %-30s %-8s %-22s %s%n", "ID", "PRINCIPAL", "STATUS", "EXPIRES", "GROUPS");
        for (TokenStore.AdminToken t : tokens) {
          out.printf(
              "%-40s %-30s %-8s %-22s %s%n",
              t.id(), t.principal(), status(t, now), t.expiresAt(), String.join(",", t.groups()));
        }
      }
      return 0;
    }

    private static String status(TokenStore.AdminToken t, Instant now) {
      if (t.revokedAt().isPresent()) {
        return "revoked";
      }
      return now.isBefore(t.expiresAt()) ? "active" : "expired";
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
      Clock clock = Clock.systemUTC();
      try (Store store = where.open()) {
        Optional<TokenStore.AdminToken> t =
            new TokenStore(store).revokeAdminToken(id, operator(), clock.instant());
        if (t.isEmpty()) {
          spec.commandLine()
              .getErr()
              .println("hoop-broker: no admin token " + id + " (see token list)");
          return 1;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tokenId", id);
        details.put("by", operator());
        new AuditLog(store, clock)
            .append("admin_token_revoked", t.get().principal(), null, null, null, details);
      }
      spec.commandLine().getOut().println("revoked token " + id);
      return 0;
    }
  }
}
