package io.hoop.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that two exports, each verified on its own, form one chain: the newer one (which may start
 * after records retention purged, at a signed anchor) continues the older one. The record of the
 * older export just before the newer one's first record must have the hash the newer one's first
 * record links to (the anchor's signed hash), and where the two overlap their last common record
 * must be the same, so neither file can swap in a different history.
 */
final class ExportJoin {
  private ExportJoin() {}

  /** A verified export and a way to read it again. */
  record Part(String name, VerifyResult.Summary summary, Opener open) {}

  /** Opens the file again for the second pass. */
  interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * Why {@code newer} does not continue {@code older}, or null when it does.
   *
   * @return a problem naming both files and the seqs involved
   */
  static String problem(Part older, Part newer) throws IOException {
    VerifyResult.Summary a = older.summary();
    VerifyResult.Summary b = newer.summary();
    String pair = older.name() + " then " + newer.name();
    if (a.filtered() || b.filtered()) {
      return pair + ": a filtered export cannot be joined (records were left out by design)";
    }
    if (a.records() == 0 || b.records() == 0) {
      return pair + ": an export without records cannot be joined";
    }
    if (b.firstSeq() < a.firstSeq()) {
      return pair
          + ": "
          + newer.name()
          + " starts at seq "
          + b.firstSeq()
          + ", before "
          + older.name()
          + " (seq "
          + a.firstSeq()
          + "); give the files oldest first";
    }
    if (b.firstSeq() > a.lastSeq() + 1) {
      return pair
          + ": records deleted between the files: "
          + older.name()
          + " ends at seq "
          + a.lastSeq()
          + " and "
          + newer.name()
          + " starts at seq "
          + b.firstSeq();
    }
    long link = b.firstSeq() - 1;
    long overlapEnd = Math.min(a.lastSeq(), b.lastSeq());
    Map<Long, String> inA =
        hashes(older.open().open(), new java.util.HashSet<>(List.of(link, overlapEnd)));
    String linkHash = link < a.firstSeq() ? a.firstPrevHash() : inA.get(link);
    if (!b.firstPrevHash().equals(linkHash)) {
      return pair
          + ": the chains differ: "
          + newer.name()
          + (b.anchorSeq() >= 0 ? "'s signed anchor at seq " + link : " at seq " + link)
          + " is not the record "
          + older.name()
          + " holds there";
    }
    if (overlapEnd >= b.firstSeq()) {
      Map<Long, String> inB = hashes(newer.open().open(), Set.of(overlapEnd));
      if (!inA.get(overlapEnd).equals(inB.get(overlapEnd))) {
        return pair + ": the files hold different records at seq " + overlapEnd + " (a fork)";
      }
    }
    return null;
  }

  /** The hashes of the records with these seqs (the file was verified, so lines are sane). */
  private static Map<Long, String> hashes(InputStream stream, Set<Long> seqs) throws IOException {
    Map<Long, String> out = new HashMap<>();
    try (InputStream in = stream) {
      LineReader reader = new LineReader(in, AuditVerifier.MAX_LINE_BYTES);
      for (LineReader.Kind k = reader.next(); k != LineReader.Kind.EOF; k = reader.next()) {
        if (k != LineReader.Kind.LINE || reader.text().isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = Json.mapper().readTree(reader.text());
        } catch (JsonProcessingException e) {
          continue;
        }
        if (n != null && n.has("seq") && n.has("hash") && seqs.contains(n.get("seq").asLong())) {
          out.put(n.get("seq").asLong(), n.get("hash").asText());
        }
      }
    }
    return out;
  }
}
