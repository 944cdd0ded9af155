package io.hoop.broker;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.broker.admin.AdminClient;
import io.hoop.broker.audit.AuditExports;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigException;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.retention.RetentionPurger;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hoop-broker retention}: what the retention policy keeps and what the purge job did ({@code
 * status}), and a purge now ({@code purge [--dry-run]}). While a broker runs on the data dir the
 * commands go through its admin socket and use its config; otherwise they open the store the config
 * names (PostgreSQL while replicas run: the purge takes the same advisory lock they do).
 */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = "Show the retention policy and purge recordings, statements and audit records.",
    subcommands = {RetentionCommand.Status.class, RetentionCommand.Purge.class},
    footer = {
      "",
      "Examples:",
      "  hoop-broker retention status --data-dir /var/lib/hoop",
      "  hoop-broker retention status -o json --data-dir /var/lib/hoop",
      "  hoop-broker retention purge --dry-run --data-dir /var/lib/hoop",
      "  hoop-broker retention purge --config /etc/hoop/broker.yaml   (PostgreSQL, no local broker)",
      "",
      "Exit codes: 0 ok, 1 error, 2 usage or invalid config, 3 purge skipped: another purge",
      "(another replica) holds the purge lock."
    })
final class RetentionCommand implements Callable<Integer> {
  /** A purge through the admin socket may take long on a large store. */
  static final Duration PURGE_TIMEOUT = Duration.ofHours(2);

  /** Exit code of a purge whose store part another purge's lock kept from running. */
  static final int SKIPPED = 3;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /**
   * The broker's answer through its admin socket, or the same answer computed on the store: {@code
   * {"ok":true, field: ...}} or {@code {"ok":false,"error":...}}.
   */
  static JsonNode run(
      StoreOptions where,
      Map<String, Object> request,
      Duration timeout,
      Function<RetentionPurger, Object> direct,
      String field)
      throws Exception {
    Optional<JsonNode> viaBroker = AdminClient.call(where.dir(), request, timeout);
    if (viaBroker.isPresent()) {
      return viaBroker.get();
    }
    RetentionConfig cfg = retention(where);
    try (Store store = where.open()) {
      Clock clock = Clock.systemUTC();
      RetentionPurger purger =
          new RetentionPurger(
              store,
              new AuditLog(store, clock),
              new AuditExports(store),
              () -> cfg,
              where.dir().resolve("recordings"),
              clock);
      return Json.mapper().valueToTree(Map.of("ok", true, field, direct.apply(purger)));
    }
  }

  private static RetentionConfig retention(StoreOptions where) throws ConfigException {
    if (where.config == null) {
      throw new ConfigException(
          "no broker answers on "
              + where.dir()
              + "'s admin socket; pass --config FILE (its retention section and store) to work on"
              + " the store directly");
    }
    BrokerConfig cfg = ConfigLoader.load(where.config, true);
    return cfg.retention();
  }

  static JsonNode field(CommandLine cl, JsonNode answer, String field) {
    if (!answer.path("ok").asBoolean(false)) {
      throw new CommandLine.ExecutionException(
          cl, "hoop-broker: " + answer.path("error").asText("the broker refused the request"));
    }
    return answer.path(field);
  }

  static void checkOutput(CommandLine cl, String output) {
    if (!output.equals("text") && !output.equals("json")) {
      throw new CommandLine.ParameterException(
          cl, "-o: '" + output + "' is not an output format; expected text or json");
    }
  }

  /** {@code hoop-broker retention status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "What is configured, the oldest record of each kind, the last purge, and what a purge"
              + " would remove now or waits for.",
      footer = {
        "",
        "Examples:",
        "  hoop-broker retention status",
        "  hoop-broker retention status -o json | jq '.kinds[] | select(.kind==\"audit\")'"
      })
  static final class Status implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions where;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "text",
        description = "text or json")
    String output;

    @Override
    public Integer call() throws Exception {
      checkOutput(spec.commandLine(), output);
      JsonNode status =
          field(
              spec.commandLine(),
              run(
                  where,
                  Map.of("op", "retention.status"),
                  Duration.ofSeconds(60),
                  RetentionPurger::status,
                  "status"),
              "status");
      PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        out.println(Json.mapper().writeValueAsString(status));
        out.flush();
        return 0;
      }
      JsonNode cfg = status.path("configured");
      out.println(
          "retention on the "
              + status.path("store").asText()
              + " store, purge every "
              + cfg.path("interval").asText());
      out.printf("%-11s %-8s %-28s %-8s %s%n", "KIND", "KEEP", "OLDEST", "DUE", "LAST PURGE");
      for (JsonNode k : status.path("kinds")) {
        JsonNode last = k.path("lastPurge");
        String oldest =
            k.path("oldest").isNull() || k.path("oldest").isMissingNode()
                ? "-"
                : k.path("oldest").asText()
                    + (k.has("oldestSeq") ? " (seq " + k.path("oldestSeq").asText() + ")" : "");
        out.printf(
            "%-11s %-8s %-28s %-8s %s%n",
            k.path("kind").asText(),
            k.path("keep").asText(),
            oldest,
            k.path("due").asText(),
            last.isNull() || last.isMissingNode()
                ? "never"
                : last.path("at").asText()
                    + " ("
                    + last.path("deleted").asText()
                    + " removed"
                    + (last.has("throughSeq") ? " through seq " + last.path("throughSeq") : "")
                    + ")");
      }
      for (JsonNode k : status.path("kinds")) {
        if (k.has("waitingFor")) {
          out.println(k.path("kind").asText() + " purge waits: " + k.path("waitingFor").asText());
        }
      }
      for (Map.Entry<String, JsonNode> e : cfg.path("targets").properties()) {
        StringBuilder sb = new StringBuilder("target " + e.getKey() + ":");
        for (Map.Entry<String, JsonNode> v : e.getValue().properties()) {
          sb.append(' ').append(v.getKey()).append(' ').append(v.getValue().asText());
        }
        out.println(sb);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code hoop-broker retention purge}. */
  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description =
          "Purge now what the retention policy no longer keeps (the broker also runs this on its"
              + " schedule). Audit records go only up to what an export covered.",
      footer = {
        "",
        "Examples:",
        "  hoop-broker retention purge --dry-run",
        "  hoop-broker retention purge -o json"
      })
  static final class Purge implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StoreOptions where;

    @Option(names = "--dry-run", description = "Count what would go; delete nothing.")
    boolean dryRun;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "text",
        description = "text or json")
    String output;

    @Override
    public Integer call() throws Exception {
      checkOutput(spec.commandLine(), output);
      String operator = TokenCommand.operator();
      JsonNode report =
          field(
              spec.commandLine(),
              run(
                  where,
                  Map.of("op", "retention.purge", "dryRun", dryRun),
                  PURGE_TIMEOUT,
                  p -> p.purge(dryRun, operator).fields(),
                  "purge"),
              "purge");
      PrintWriter out = spec.commandLine().getOut();
      if (output.equals("json")) {
        out.println(Json.mapper().writeValueAsString(report));
      } else {
        String verb = dryRun ? "would remove " : "removed ";
        for (JsonNode k : report.path("kinds")) {
          String kind = k.path("kind").asText();
          StringBuilder sb = new StringBuilder(kind + ": ");
          sb.append(verb).append(k.path("deleted").asLong());
          sb.append(
              switch (kind) {
                case "recordings" -> " recording(s)";
                case "statements" ->
                    " statement(s) of " + k.path("sessions").asLong() + " session(s)";
                default -> " record(s)";
              });
          if (k.has("throughSeq")) {
            sb.append(" through seq ").append(k.path("throughSeq").asLong());
          }
          sb.append(" (keep ").append(k.path("keep").asText());
          if (k.has("before")) {
            sb.append(", ended before ").append(k.path("before").asText());
          }
          sb.append(')');
          if (k.has("heldBack")) {
            sb.append("; held back: ").append(k.path("heldBack").asText());
          }
          out.println(sb);
        }
        if (report.has("skipped")) {
          out.println("store purge skipped: " + report.path("skipped").asText());
        }
      }
      out.flush();
      return report.has("skipped") ? SKIPPED : 0;
    }
  }
}
