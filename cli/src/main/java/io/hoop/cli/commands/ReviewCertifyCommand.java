package io.hoop.cli.commands;

import io.hoop.api.Entitlement;
import io.hoop.api.ReviewAction;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.output.ReviewTable;
import io.hoop.cli.time.DeadlineParser;
import io.hoop.cli.time.DurationFormat;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop review certify}: confirms an entitlement is still needed, for a review period. */
@Command(
    name = "certify",
    description = {
      "Certify that an entitlement is still needed.",
      "Requests under it are granted at once until the review expires (--until, else",
      "the broker's review period)."
    },
    footer = {
      "%nExamples:",
      "  hoop review certify e-3 --comment 'still on the on-call rota'",
      "  hoop review certify e-3 --until 2027-03-31 --comment 'quarterly review'",
      "  hoop review certify e-3 --until 2027-03-31T12:00:00Z --comment 'migration'"
    })
public final class ReviewCertifyCommand implements Callable<Integer> {
  @ParentCommand ReviewCommand review;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "Entitlement (see hoop review list).")
  String id;

  @Option(
      names = "--until",
      paramLabel = "DATE",
      converter = DeadlineParser.class,
      description =
          "Review valid until YYYY-MM-DD (through that day, UTC) or an ISO instant"
              + " (default: the broker's review period).")
  Instant until;

  @Option(
      names = "--comment",
      required = true,
      paramLabel = "TEXT",
      description = "Why it is still needed; kept with the review and in the audit log.")
  String comment;

  @Override
  public Integer call() {
    ReviewerInput.requireText("--comment", comment);
    Instant now = review.environment().clock().instant();
    if (until != null && !until.isAfter(now)) {
      throw new HoopException.Usage(
          "--until " + until + " is in the past: a review must run until a future date");
    }
    Entitlement e =
        review
            .session(common)
            .client()
            .review(id, "certify", new ReviewAction(until, comment, null));
    if (output.json()) {
      output.print(spec.commandLine().getOut(), e);
    } else {
      spec.commandLine()
          .getOut()
          .println(
              "certified: "
                  + e.id()
                  + " ("
                  + ReviewTable.subject(e)
                  + " on "
                  + e.target()
                  + ") reviewed by "
                  + e.reviewedBy()
                  + ", current until "
                  + DurationFormat.local(e.reviewExpiresAt())
                  + " ("
                  + DurationFormat.relative(e.reviewExpiresAt(), now)
                  + ")");
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.OK;
  }
}
