package io.hoop.cli.audit;

import io.hoop.api.Durations;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.commands.AuditCommand;
import io.hoop.cli.commands.CommonOptions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop audit export}: the audit trail with hashes and signed checkpoints, as JSON Lines. */
@Command(
    name = "export",
    description = {
      "Write the audit trail as JSON Lines, for `hoop audit verify`.",
      "Each record comes with its hash chain, and the broker's signed checkpoints too.",
      "Members of the group '"
          + AuditExportCommand.AUDITORS
          + "' export every record; everyone else exports",
      "their own records (a filtered export)."
    },
    footer = {
      "%nExamples:",
      "  hoop audit export -o jsonl > audit.jsonl",
      "  hoop audit export --since 7d > last-week.jsonl",
      "  hoop audit export --task JIRA-123 --target prod-db > jira-123.jsonl",
      "",
      "--task, --target (and not being an auditor) leave records out: verify then",
      "checks each record's hash and the signatures, but not the chain. --since keeps",
      "the chain checkable."
    })
public final class AuditExportCommand implements Callable<Integer> {
  static final String AUDITORS = "auditors";

  /** Export formats (one today; the option keeps scripts explicit). */
  enum Format {
    jsonl
  }

  @ParentCommand AuditCommand parent;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "Only records from then on: an ISO time, a date (UTC) or a duration ago (7d).")
  String since;

  @Option(names = "--task", paramLabel = "ID", description = "Only records of this task.")
  String task;

  @Option(names = "--target", paramLabel = "NAME", description = "Only records of this target.")
  String target;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "jsonl",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    String from = since == null ? null : since(since, parent.environment().clock().instant());
    BrokerSession session =
        BrokerSession.open(common.store(parent.environment()), parent.environment().clock());
    new AuditApi(session.profile().brokerUrl(), session.tls().transport(), session.live())
        .export(from, task, target, spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  /** An ISO instant, a date (midnight UTC) or a duration before {@code now}, as an ISO instant. */
  static String since(String v, Instant now) {
    try {
      if (v.length() == 10 && v.charAt(4) == '-') {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
      }
      if (v.contains("T")) {
        return Instant.parse(v).toString();
      }
      return now.minus(Durations.parse(v)).toString();
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new HoopException.Usage(
          "--since '"
              + v
              + "' is not a time; expected an ISO time (2025-01-31T09:00:00Z), a date"
              + " (2025-01-31) or a duration ago (7d, 12h)");
    }
  }
}
