package io.hoop.cli.audit;

/**
 * The outcome of {@link AuditVerifier#verify}: intact, or the first bad line and what is wrong.
 *
 * @param ok true if everything checked is intact
 * @param line 1-based line of the first problem, or 0 when ok
 * @param problem what is wrong there, or null when ok
 * @param summary what was checked (up to the problem when not ok)
 */
public record VerifyResult(boolean ok, long line, String problem, Summary summary) {
  static VerifyResult ok(Summary s) {
    return new VerifyResult(true, 0, null, s);
  }

  static VerifyResult failed(long line, String problem, Summary s) {
    return new VerifyResult(false, line, problem, s);
  }

  /**
   * What the verifier saw.
   *
   * @param records records checked
   * @param checkpoints checkpoints whose signature and hash were checked
   * @param firstSeq seq of the first record, -1 if none
   * @param lastSeq seq of the last record, -1 if none
   * @param lastSignedSeq seq of the last checkpoint, -1 if none
   * @param lastSignedTime when the broker signed it, or null
   * @param unsigned records after the last checkpoint: not covered by any signature
   * @param hasHeader the file starts with an export header
   * @param filtered the header says records were left out, so the chain was not checked
   * @param keyId id of the key the signatures were checked with
   * @param anchorSeq seq of the signed anchor the export starts after (records up to it were purged
   *     or cut by {@code since}), -1 if none
   * @param firstPrevHash the first record's prevHash (the anchor's hash when anchored), or null
   */
  public record Summary(
      long records,
      long checkpoints,
      long firstSeq,
      long lastSeq,
      long lastSignedSeq,
      String lastSignedTime,
      long unsigned,
      boolean hasHeader,
      boolean filtered,
      String keyId,
      long anchorSeq,
      String firstPrevHash) {}
}
