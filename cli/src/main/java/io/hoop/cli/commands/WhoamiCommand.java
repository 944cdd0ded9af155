package io.hoop.cli.commands;

import io.hoop.api.Principal;
import io.hoop.api.WhoAmI;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.JsonOutput;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop whoami}: who the broker thinks you are. */
@Command(
    name = "whoami",
    description = "Show the principal of the current session, its groups and when it expires.",
    footer = {"%nExamples:", "  hoop whoami", "  hoop whoami -o json"})
public final class WhoamiCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    BrokerSession session = BrokerSession.open(common.store(hoop.environment()), clock());
    WhoAmI who = session.client().whoami();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      JsonOutput.print(out, who);
      return ExitCodes.OK;
    }
    Principal p = who.principal();
    Instant now = clock().instant();
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("principal", p == null ? "-" : p.name());
    rows.put("email", p == null || p.email() == null ? "-" : p.email());
    rows.put("groups", p == null || p.groups() == null ? "-" : String.join(", ", p.groups()));
    rows.put("login method", p == null || p.loginMethod() == null ? "-" : p.loginMethod());
    rows.put("broker", session.profile().brokerUrl());
    rows.put(
        "session expires",
        DurationFormat.local(who.sessionExpiresAt())
            + " ("
            + DurationFormat.relative(who.sessionExpiresAt(), now)
            + ")");
    rows.forEach((k, v) -> out.printf("%-16s %s%n", k, v));
    out.flush();
    return ExitCodes.OK;
  }

  private java.time.Clock clock() {
    return hoop.environment().clock();
  }
}
