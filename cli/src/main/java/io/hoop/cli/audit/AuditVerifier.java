package io.hoop.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditCheckpoint;
import io.hoop.api.AuditExportHeader;
import io.hoop.api.AuditRecord;
import io.hoop.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.text.ParseException;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * Checks an audit export offline: every record's hash, the prev links and seq order, and every
 * checkpoint's signature and the hash it signs. Streams the file; stops at the first bad line.
 */
public final class AuditVerifier {
  /** Lines longer than this are refused (records are a few hundred bytes). */
  public static final int MAX_LINE_BYTES = 1024 * 1024;

  private final ECDSAVerifier verifier;
  private final String keyId;

  private long line;
  private AuditExportHeader header;
  private AuditRecord last;
  private AuditCheckpoint anchor;
  private String firstPrevHash;
  private long firstSeq = -1;
  private long records;
  private long checkpoints;
  private long unsigned;
  private long lastSignedSeq = -1;
  private String lastSignedTime;
  private boolean lastLineIsCheckpointOfLastRecord;
  // A seq gap seen at gapLine, classified (deleted or moved) by the next record.
  private Gap gap;

  private record Gap(long line, long before, long after) {}

  private AuditVerifier(ECKey key) {
    Objects.requireNonNull(key, "key");
    try {
      this.verifier = new ECDSAVerifier(key.toPublicJWK());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("audit key " + key.getKeyID() + " is not a P-256 key", e);
    }
    this.keyId = key.getKeyID();
  }

  /**
   * Verifies an export.
   *
   * @param key the broker's audit public key
   */
  public static VerifyResult verify(InputStream in, ECKey key) throws IOException {
    AuditVerifier v = new AuditVerifier(key);
    try {
      v.run(new LineReader(in, MAX_LINE_BYTES));
      return VerifyResult.ok(v.summary());
    } catch (Bad e) {
      return VerifyResult.failed(e.line, e.getMessage(), v.summary());
    }
  }

  private void run(LineReader reader) throws IOException, Bad {
    while (true) {
      LineReader.Kind kind = reader.next();
      if (kind == LineReader.Kind.EOF) {
        break;
      }
      line++;
      switch (kind) {
        case TOO_LONG ->
            throw bad(
                "line is longer than "
                    + MAX_LINE_BYTES
                    + " bytes; expected one audit record per line");
        case NOT_UTF8 -> throw bad("line is not UTF-8 text");
        default -> {}
      }
      String text = reader.text();
      JsonNode node;
      try {
        node = text.isBlank() ? null : Json.mapper().readTree(text);
      } catch (JsonProcessingException e) {
        node = null;
      }
      if (node == null || !node.isObject()) {
        throw bad(
            reader.endedWithNewline()
                ? "malformed line: not a JSON object"
                : "malformed last line: the file is cut short (truncated)");
      }
      if (node.has("export")) {
        header(node.get("export"));
      } else if (node.has("anchor")) {
        anchor(node.get("anchor"));
      } else if (node.has("checkpoint")) {
        checkpoint(node.get("checkpoint"));
      } else {
        record(node);
      }
    }
    end();
  }

  private void header(JsonNode n) throws Bad {
    if (line != 1) {
      throw bad("export header found after line 1; expected it only as the first line");
    }
    header = parse(n, AuditExportHeader.class, "export header");
  }

  private boolean filtered() {
    return header != null && header.filtered();
  }

  /** A whole export: its header asks for every record, so it must start at seq 1 or an anchor. */
  private boolean whole() {
    return header != null && !header.filtered() && header.since() == null;
  }

  private void anchor(JsonNode n) throws Bad {
    if (last != null || checkpoints > 0) {
      throw bad("anchor found after records; expected it right after the export header");
    }
    if (anchor != null) {
      throw bad("a second anchor; expected at most one, right after the export header");
    }
    if (filtered()) {
      throw bad("anchor in a filtered export; the broker anchors only unfiltered exports");
    }
    AuditCheckpoint cp = parse(n, AuditCheckpoint.class, "anchor");
    signed(cp, "anchor");
    anchor = cp;
  }

  private void record(JsonNode n) throws Bad {
    AuditRecord r = parse(n, AuditRecord.class, "record");
    if (r.seq() < 1 || r.type() == null || r.time() == null) {
      throw bad("malformed record: seq, time and type are required and seq must be >= 1");
    }
    if (!AuditCanonical.isHash(r.hash()) || !AuditCanonical.isHash(r.prevHash())) {
      throw bad("malformed record seq " + r.seq() + ": hash and prevHash must be 64 hex digits");
    }
    if (gap != null) {
      // The record after a gap tells a deletion from a move: a move brings the missing seq back.
      Gap g = gap;
      if (r.seq() > g.before() && r.seq() < g.after()) {
        throw new Bad(
            g.line(),
            "records reordered: seq "
                + g.after()
                + " (line "
                + g.line()
                + ") comes before seq "
                + r.seq()
                + " (line "
                + line
                + ")");
      }
      throw deleted(g);
    }
    String computed;
    try {
      computed = r.computeHash();
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw bad("malformed record seq " + r.seq() + ": time '" + r.time() + "' is not canonical");
    }
    if (!computed.equals(r.hash())) {
      throw bad("record edited: hash mismatch at seq " + r.seq());
    }
    if (last == null) {
      firstSeq = r.seq();
      firstPrevHash = r.prevHash();
      if (anchor != null) {
        first(r);
      } else if (r.seq() == 1 && !r.prevHash().equals(AuditCanonical.GENESIS_HASH)) {
        throw bad("seq 1 does not start the chain: its prevHash is not 64 zeros");
      } else if (r.seq() != 1 && whole()) {
        throw bad(
            "export starts at seq "
                + r.seq()
                + " without an anchor: records 1.."
                + (r.seq() - 1)
                + " are missing (deleted) and no signed checkpoint says where the log starts");
      }
    } else if (r.seq() <= last.seq()) {
      throw bad("records reordered: seq " + r.seq() + " comes after seq " + last.seq());
    } else if (r.seq() == last.seq() + 1) {
      if (!r.prevHash().equals(last.hash())) {
        throw bad(
            "prev link broken between seq "
                + last.seq()
                + " and "
                + r.seq()
                + ": seq "
                + last.seq()
                + " was replaced or edited with a recomputed hash");
      }
    } else if (!filtered()) {
      gap = new Gap(line, last.seq(), r.seq());
    }
    last = r;
    records++;
    unsigned++;
    lastLineIsCheckpointOfLastRecord = false;
  }

  /** The first record after an anchor must be the next seq and link to the signed hash. */
  private void first(AuditRecord r) throws Bad {
    if (r.seq() <= anchor.seq()) {
      throw bad(
          "records reordered: seq "
              + r.seq()
              + " comes after the anchor, which signs seq "
              + anchor.seq());
    }
    if (r.seq() != anchor.seq() + 1) {
      throw bad(
          "record(s) deleted: seq gap between the anchor (seq "
              + anchor.seq()
              + ") and the first record (seq "
              + r.seq()
              + ")");
    }
    if (!r.prevHash().equals(anchor.hash())) {
      throw bad(
          "prev link broken between the anchor and seq "
              + r.seq()
              + ": its prevHash is not the signed hash of seq "
              + anchor.seq()
              + " (forged anchor or replaced record)");
    }
  }

  private Bad deleted(Gap g) {
    return new Bad(
        g.line(),
        "record(s) deleted: seq gap between "
            + g.before()
            + " and "
            + g.after()
            + " (prev link broken)");
  }

  private void checkpoint(JsonNode n) throws Bad {
    if (gap != null) {
      throw deleted(gap);
    }
    AuditCheckpoint cp = parse(n, AuditCheckpoint.class, "checkpoint");
    signed(cp, "checkpoint");
    if (last == null || last.seq() != cp.seq()) {
      throw bad(
          "checkpoint for seq "
              + cp.seq()
              + " does not follow record "
              + cp.seq()
              + (last == null ? "" : " (the record before it is seq " + last.seq() + ")"));
    }
    if (!cp.hash().equals(last.hash())) {
      throw bad(
          "forged checkpoint or edited record: the signed hash for seq "
              + cp.seq()
              + " does not match the record's hash");
    }
    checkpoints++;
    unsigned = 0;
    lastSignedSeq = cp.seq();
    lastSignedTime = cp.time();
    lastLineIsCheckpointOfLastRecord = true;
  }

  /** Checks a checkpoint's (or anchor's) signature and that its fields are what it signs. */
  private void signed(AuditCheckpoint cp, String what) throws Bad {
    if (cp.jws() == null) {
      throw bad("malformed " + what + ": no jws");
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(cp.jws());
    } catch (ParseException e) {
      throw bad("malformed " + what + ": jws is not a compact JWS");
    }
    boolean valid;
    try {
      valid =
          JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())
              && jws.getHeader().getType() != null
              && AuditCheckpoint.JWS_TYPE.equals(jws.getHeader().getType().getType())
              && jws.verify(verifier);
    } catch (JOSEException e) {
      valid = false;
    }
    String kid = jws.getHeader().getKeyID();
    if (!valid) {
      throw bad(
          "forged "
              + what
              + " (seq "
              + cp.seq()
              + "): bad signature"
              + (kid != null && !kid.equals(keyId)
                  ? " (signed with key " + kid + ", expected " + keyId + ")"
                  : ""));
    }
    Map<String, Object> payload = jws.getPayload().toJSONObject();
    Object seq = payload == null ? null : payload.get("seq");
    if (!(seq instanceof Number num)
        || num.longValue() != cp.seq()
        || !Objects.equals(payload.get("hash"), cp.hash())
        || !Objects.equals(payload.get("time"), cp.time())) {
      throw bad(
          "forged " + what + " (seq " + cp.seq() + "): its fields differ from what is signed");
    }
  }

  private void end() throws Bad {
    if (gap != null) {
      throw deleted(gap);
    }
    if (header == null || filtered() || last == null) {
      return;
    }
    // The broker signs its head before every export, so a whole export ends with a checkpoint
    // of its last record, and that record is the head the header names.
    if (!lastLineIsCheckpointOfLastRecord || last.seq() != header.toSeq()) {
      throw new Bad(
          line,
          "export is truncated: it ends at seq "
              + last.seq()
              + (last.seq() != header.toSeq() ? " but its header says seq " + header.toSeq() : "")
              + (lastLineIsCheckpointOfLastRecord
                  ? ""
                  : "; expected a signed checkpoint of the last record as the last line"));
    }
  }

  private <T> T parse(JsonNode n, Class<T> type, String what) throws Bad {
    try {
      T v = Json.mapper().treeToValue(n, type);
      if (v == null) {
        throw bad("malformed " + what + ": empty");
      }
      return v;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw bad("malformed " + what + ": a field has the wrong type");
    }
  }

  private VerifyResult.Summary summary() {
    return new VerifyResult.Summary(
        records,
        checkpoints,
        firstSeq,
        last == null ? -1 : last.seq(),
        lastSignedSeq,
        lastSignedTime,
        unsigned,
        header != null,
        filtered(),
        keyId,
        anchor == null ? -1 : anchor.seq(),
        firstPrevHash);
  }

  private Bad bad(String message) {
    return new Bad(line, message);
  }

  /** The first problem found; ends verification. */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;
    private final long line;

    Bad(long line, String message) {
      super(message, null, false, false);
      this.line = line;
    }
  }
}
