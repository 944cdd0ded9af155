package io.hoop.api;

/**
 * The first line of an export, {@code {"export": {...}}}: what was asked for, so {@code hoop audit
 * verify} knows whether the records should form one unbroken chain. It is not signed: a verifier
 * that is told "filtered" says it did not check the chain, it never claims more.
 *
 * @param generatedAt when the broker wrote the export
 * @param filtered true if records were left out (task, target or principal filter), so the chain
 *     has gaps by design; a {@code since} filter alone keeps the chain contiguous
 * @param since the {@code since} filter, or null
 * @param task the task filter, or null
 * @param target the target filter, or null
 * @param principal set when the caller is not an auditor and sees only their own records
 * @param toSeq the last record the export could contain (the broker's head when it started)
 */
public record AuditExportHeader(
    String generatedAt,
    boolean filtered,
    String since,
    String task,
    String target,
    String principal,
    long toSeq) {

  /** How the header appears in an export: {@code {"export": {...}}}. */
  public record Line(AuditExportHeader export) {}
}
