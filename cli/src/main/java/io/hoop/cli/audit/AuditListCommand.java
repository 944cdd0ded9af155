package io.hoop.cli.audit;

import io.hoop.api.AuditEvent;
import io.hoop.api.AuditPage;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.commands.AuditCommand;
import io.hoop.cli.commands.CommonOptions;
import io.hoop.cli.commands.OutputOptions;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.output.AuditTable;
import io.hoop.cli.output.JsonOutput;
import io.hoop.cli.time.InstantParser;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop audit list}: the newest audit events as a table or JSON, optionally followed. */
@Command(
    name = "list",
    description = {
      "Show your newest audit events, oldest first like tail.",
      "Logins, grants, tunnels opened and closed; --follow keeps printing new ones",
      "until Ctrl-C."
    },
    footer = {
      "%nExamples:",
      "  hoop audit list",
      "  hoop audit list --limit 20 -o json",
      "  hoop audit list --since 2h",
      "  hoop audit list --since 2026-01-31T00:00:00Z --until 2026-02-01T00:00:00Z",
      "  hoop audit list --follow -o json     (one JSON object per line)",
      "%nExit codes: 0 done (or Ctrl-C while following), 1 broker error,",
      "2 bad option, 6 not logged in."
    })
public final class AuditListCommand implements Callable<Integer> {
  /** The broker's page size limit. */
  public static final int MAX_LIMIT = AuditListOptions.MAX_LIMIT;

  /** How often {@code --follow} asks the broker for new events. */
  static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(2);

  @ParentCommand AuditCommand parent;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;
  @Mixin AuditListOptions options;

  @Override
  public Integer call() throws InterruptedException {
    return list(spec, common.store(parent.environment()), parent.environment(), output, options);
  }

  /** Shared by {@code hoop audit} and {@code hoop audit list}. */
  public static int list(
      CommandSpec spec,
      ProfileStore store,
      CliEnvironment environment,
      OutputOptions output,
      AuditListOptions options)
      throws InterruptedException {
    if (options.limit < 1 || options.limit > MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(),
          "--limit must be between 1 and " + MAX_LIMIT + ", got " + options.limit);
    }
    if (options.follow && options.until != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--until ends the window, --follow keeps it open: use one of them, not both");
    }
    Instant now = environment.clock().instant();
    Instant since = instant(spec, "--since", options.since, now);
    Instant until = instant(spec, "--until", options.until, now);
    if (since != null && until != null && !since.isBefore(until)) {
      throw new ParameterException(
          spec.commandLine(),
          "--since " + since + " is not before --until " + until + ": the window is empty");
    }
    BrokerSession session = BrokerSession.open(store, environment.clock());
    AuditFeed feed = new AuditFeed(session.client(), since, until);
    List<AuditEvent> events = feed.newest(options.limit);
    PrintWriter out = spec.commandLine().getOut();
    if (!options.follow) {
      if (output.json()) {
        output.print(out, new AuditPage(events));
      } else {
        AuditTable.print(out, new AuditPage(events));
      }
      return ExitCodes.OK;
    }
    return follow(feed, events, output.json(), out, environment);
  }

  private static int follow(
      AuditFeed feed,
      List<AuditEvent> first,
      boolean json,
      PrintWriter out,
      CliEnvironment environment)
      throws InterruptedException {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Interrupts interrupts =
        environment.installSignalHandlers() ? Interrupts.install(() -> stop.complete(null)) : null;
    try {
      long last = print(first, 0, json, out);
      while (!stop.isDone()) {
        try {
          stop.get(FOLLOW_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // The usual case: no Ctrl-C during this pause.
        } catch (ExecutionException e) {
          break;
        } catch (InterruptedException e) {
          // An embedding caller stops us the Java way.
          Thread.currentThread().interrupt();
          break;
        }
        if (stop.isDone()) {
          break;
        }
        List<AuditEvent> page;
        do {
          page = feed.after(last, MAX_LIMIT);
          last = print(page, last, json, out);
        } while (page.size() == MAX_LIMIT);
      }
      return ExitCodes.OK;
    } finally {
      if (interrupts != null) {
        interrupts.close();
      }
    }
  }

  /** Prints events one line each; returns the last seq seen. */
  private static long print(List<AuditEvent> events, long last, boolean json, PrintWriter out) {
    for (AuditEvent e : events) {
      if (e.seq() <= last) {
        continue;
      }
      if (json) {
        JsonOutput.printLine(out, e);
      } else {
        out.println(AuditTable.line(e));
      }
      last = e.seq();
    }
    out.flush();
    return last;
  }

  private static Instant instant(CommandSpec spec, String option, String text, Instant now) {
    if (text == null) {
      return null;
    }
    try {
      return InstantParser.parse(option, text, now);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
