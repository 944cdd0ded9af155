package io.hoop.cli.commands;

import io.hoop.api.EntitlementList;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.output.ReviewTable;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop review list}: entitlements and when their reviews run out. */
@Command(
    name = "list",
    description = {
      "List entitlements you may review.",
      "Each with who reviewed it and until when.",
      "STALE ones send the next request to reviewers until someone certifies them."
    },
    footer = {
      "%nExamples:",
      "  hoop review list",
      "  hoop review list --due         only those stale or about to be",
      "  hoop review list -o json | jq -r '.entitlements[].id'"
    })
public final class ReviewListCommand implements Callable<Integer> {
  @ParentCommand ReviewCommand review;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Option(names = "--due", description = "Only entitlements whose review is stale or due soon.")
  boolean due;

  @Override
  public Integer call() {
    EntitlementList list = review.session(common).client().reviews(due);
    if (output.json()) {
      output.print(spec.commandLine().getOut(), list);
      return ExitCodes.OK;
    }
    Instant now = review.environment().clock().instant();
    ReviewTable.print(spec.commandLine().getOut(), list, now);
    if (list.entitlements() == null || list.entitlements().isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(due ? "No reviews are due." : "No entitlements for you to review.");
    }
    return ExitCodes.OK;
  }
}
