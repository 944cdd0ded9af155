package io.hoop.api;

/**
 * A signed statement by the broker that the audit record {@code seq} has hash {@code hash}: since
 * each hash covers the previous one, it vouches for every record up to {@code seq}.
 *
 * @param seq the record the checkpoint covers
 * @param hash that record's hash
 * @param time when the broker signed it (same format as record times)
 * @param jws compact JWS (ES256, {@code typ} {@value #JWS_TYPE}) over {@code
 *     {"seq","hash","time"}}; the other fields are a readable copy and must equal its payload
 */
public record AuditCheckpoint(long seq, String hash, String time, String jws) {
  /** The JWS {@code typ} header of checkpoints. */
  public static final String JWS_TYPE = "hoop-audit-checkpoint+jws";

  /** How a checkpoint appears in an export: {@code {"checkpoint": {...}}}. */
  public record Line(AuditCheckpoint checkpoint) {}

  /**
   * How an export that does not start at seq 1 names where it starts: {@code {"anchor": {...}}},
   * the signed checkpoint of the record just before its first one (the last record purged by
   * retention, or the record before a {@code since} cut), right after the header. The first
   * record's {@code prevHash} must equal the anchor's hash.
   */
  public record AnchorLine(AuditCheckpoint anchor) {}
}
