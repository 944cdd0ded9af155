package io.hoop.cli.audit;

import picocli.CommandLine.Option;

/** What {@code hoop audit} and {@code hoop audit list} show: how many, which window, follow. */
public final class AuditListOptions {
  /** The broker's page size limit. */
  public static final int MAX_LIMIT = 1000;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "How many of the newest events to show, 1.."
              + MAX_LIMIT
              + " (default: ${DEFAULT-VALUE}); oldest first, like tail.")
  int limit;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description =
          "Only events at or after WHEN: an RFC 3339 instant (2026-01-31T12:00:00Z) or a duration"
              + " ago (15m, 2h, 7d).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "WHEN",
      description = "Only events before WHEN (same forms as --since); not with --follow.")
  String until;

  @Option(
      names = {"-f", "--follow"},
      description =
          "Keep printing events as they are recorded until Ctrl-C (with -o json: one JSON object"
              + " per line).")
  boolean follow;
}
