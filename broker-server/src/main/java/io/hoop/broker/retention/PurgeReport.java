package io.hoop.broker.retention;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one purge did (or, in a dry run, would do).
 *
 * @param at when it ran
 * @param dryRun true if nothing was deleted
 * @param skipped why the store's part (audit, statements) did not run, e.g. another replica holds
 *     the purge lock; null when it ran
 * @param kinds one entry per kind: recordings, statements, audit
 */
public record PurgeReport(Instant at, boolean dryRun, String skipped, List<Kind> kinds) {
  public PurgeReport {
    kinds = List.copyOf(kinds);
  }

  /**
   * One kind's outcome.
   *
   * @param kind {@code recordings}, {@code statements} or {@code audit}
   * @param keep the retention in force ({@code never}, {@code 90d}; per target for recordings and
   *     statements: {@code per target})
   * @param cutoff things that ended before this were due; null when kept forever
   * @param deleted records, statements or files removed (would be, in a dry run)
   * @param sessions sessions whose statements or recordings were removed
   * @param throughSeq audit: the last record removed; the export anchor from now on (0: none)
   * @param anchorHash audit: that record's hash, signed by its checkpoint; null when none
   * @param heldBack why less was purged than the retention allows (e.g. no export covers the
   *     records), or null
   */
  public record Kind(
      String kind,
      String keep,
      Instant cutoff,
      long deleted,
      long sessions,
      long throughSeq,
      String anchorHash,
      String heldBack) {

    /** Nothing to do for this kind. */
    static Kind none(String kind, String keep, Instant cutoff, String heldBack) {
      return new Kind(kind, keep, cutoff, 0, 0, 0, null, heldBack);
    }

    /** The fields of the audit record and of the admin socket's answer. */
    public Map<String, Object> fields() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", kind);
      m.put("keep", keep);
      if (cutoff != null) {
        m.put("before", cutoff.toString());
      }
      m.put("deleted", deleted);
      if (!kind.equals("audit")) {
        m.put("sessions", sessions);
      }
      if (throughSeq > 0) {
        m.put("throughSeq", throughSeq);
        m.put("anchorHash", anchorHash);
      }
      if (heldBack != null) {
        m.put("heldBack", heldBack);
      }
      return m;
    }
  }

  /** The report as the admin socket answers it and {@code -o json} prints it. */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", at.toString());
    m.put("dryRun", dryRun);
    if (skipped != null) {
      m.put("skipped", skipped);
    }
    m.put("kinds", kinds.stream().map(Kind::fields).toList());
    return m;
  }
}
