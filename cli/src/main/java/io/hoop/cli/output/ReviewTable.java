package io.hoop.cli.output;

import io.hoop.api.Entitlement;
import io.hoop.api.EntitlementList;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Entitlements and the state of their access reviews ({@code hoop review list}). */
public final class ReviewTable {
  private ReviewTable() {}

  public static void print(PrintWriter out, EntitlementList list, Instant now) {
    Table table =
        new Table(
            "ID", "SUBJECT", "TARGET", "MAX", "REVIEWED-BY", "REVIEWED-AT", "EXPIRES", "STATUS");
    List<Entitlement> entitlements =
        list == null || list.entitlements() == null ? List.of() : list.entitlements();
    for (Entitlement e : entitlements) {
      table.row(
          e.id(),
          subject(e),
          e.target(),
          e.maxDurationSeconds() > 0
              ? DurationFormat.compact(Duration.ofSeconds(e.maxDurationSeconds()))
              : "-",
          e.reviewedBy(),
          DurationFormat.local(e.reviewedAt()),
          DurationFormat.local(e.reviewExpiresAt()),
          status(e, now));
    }
    table.print(out);
  }

  /** {@code group engineering} or {@code user alice}. */
  public static String subject(Entitlement e) {
    return e.group() != null ? "group " + e.group() : "user " + e.principal();
  }

  /**
   * {@code revoked}, {@code current}, or {@code STALE (...)} in capitals: a stale review sends the
   * next request to reviewers, which is what a reviewer scanning the list needs to spot.
   */
  public static String status(Entitlement e, Instant now) {
    if ("revoked".equalsIgnoreCase(e.status())) {
      return "revoked";
    }
    if (e.reviewExpiresAt() == null || e.reviewedAt() == null) {
      return "STALE (never reviewed)";
    }
    if (!now.isBefore(e.reviewExpiresAt())) {
      return "STALE (expired " + DurationFormat.relative(e.reviewExpiresAt(), now) + ")";
    }
    return "current";
  }

  /** Whether the review no longer covers requests. */
  public static boolean stale(Entitlement e, Instant now) {
    return status(e, now).startsWith("STALE");
  }
}
