package io.hoop.cli.output;

import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.GrantList;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;

/** Grant requests as a table ({@code hoop requests}) and the approval count shown everywhere. */
public final class GrantTable {
  private GrantTable() {}

  public static void print(PrintWriter out, GrantList list) {
    print(out, list, Colours.NONE);
  }

  /** The table with status words in colour when {@code colours} allows. */
  public static void print(PrintWriter out, GrantList list, Colours colours) {
    Table table =
        new Table(
            "ID",
            "TARGET",
            "REQUESTER",
            "TASK",
            "STATUS",
            "APPROVALS",
            "REQUESTED",
            "EXPIRES",
            "REASON");
    for (Grant g : grants(list)) {
      table.row(
          g.id(),
          g.target(),
          g.principal(),
          g.task(),
          g.status() == null ? null : g.status().name().toLowerCase(java.util.Locale.ROOT),
          approvals(g),
          DurationFormat.local(g.requestedAt()),
          DurationFormat.local(g.expiresAt()),
          g.reason());
    }
    table.style(4, colours::status).print(out);
  }

  /** The list's grants, never null. */
  public static List<Grant> grants(GrantList list) {
    return list == null || list.grants() == null ? List.of() : list.grants();
  }

  /**
   * Distinct approvers so far over the quorum, e.g. {@code 1/2}; just the count once no quorum is
   * pending, {@code -} for grants nobody had to approve.
   */
  public static String approvals(Grant g) {
    long count = approvers(g);
    if (g.approvalsRequired() > 0) {
      return count + "/" + g.approvalsRequired();
    }
    return count > 0 ? Long.toString(count) : "-";
  }

  /** Approvals by distinct people: one person approving twice counts once, as on the broker. */
  public static long approvers(Grant g) {
    List<Approval> approvals = g.approvals() == null ? List.of() : g.approvals();
    return approvals.stream().map(Approval::approver).filter(Objects::nonNull).distinct().count();
  }

  /** Who may approve, e.g. {@code reviewers, dba}; {@code the target's reviewers} when unknown. */
  public static String reviewerGroups(Grant g) {
    return g.reviewerGroups() == null || g.reviewerGroups().isEmpty()
        ? "the target's reviewers"
        : String.join(", ", g.reviewerGroups());
  }
}
