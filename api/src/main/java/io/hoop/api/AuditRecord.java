package io.hoop.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One audit record as exported by {@code GET /v1/audit/export}: one JSON line each.
 *
 * @param seq position in the log: 1, 2, 3... without gaps
 * @param time UTC, six fractional digits, exactly as hashed (see {@link AuditCanonical#time})
 * @param type e.g. {@code login}, {@code grant.approved}
 * @param principal who did it, or null
 * @param target target name, or null
 * @param grantId grant id, or null
 * @param task task id, or null
 * @param details event-specific fields
 * @param prevHash the previous record's {@code hash} ({@link AuditCanonical#GENESIS_HASH} for seq
 *     1)
 * @param hash SHA-256 of this record's canonical encoding, which includes {@code prevHash}
 */
public record AuditRecord(
    long seq,
    String time,
    String type,
    String principal,
    String target,
    String grantId,
    String task,
    JsonNode details,
    String prevHash,
    String hash) {

  /** Recomputes the hash from the other fields; differs from {@link #hash} if anything changed. */
  public String computeHash() {
    return AuditCanonical.hash(
        seq,
        AuditCanonical.parseTime(time),
        type,
        principal,
        target,
        grantId,
        task,
        details,
        prevHash);
  }
}
