package io.hoop.broker.retention;

import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.config.RetentionConfig.Keep;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes terminal recordings ({@code <data-dir>/recordings/<session>.cast}) of sessions that ended
 * longer ago than their target's retention, and marks the session {@code recording_purged_at}.
 * Recordings live on the disk of the replica that relayed the session, so every replica purges its
 * own directory (no store lock needed for files only it has). A session the store never saw close
 * counts from the file's last write; a file without a session row follows the global retention.
 */
final class RecordingPurge {
  static final String KIND = "recordings";
  private static final Logger LOG = LoggerFactory.getLogger(RecordingPurge.class);
  private static final Pattern FILE = Pattern.compile("^(s-[A-Za-z0-9-]{1,64})\\.cast$");

  /** Deleted files (one per session). */
  record Outcome(long files, Instant oldest) {}

  private final Path dir;

  RecordingPurge(Path dir) {
    this.dir = dir;
  }

  Outcome run(Connection c, RetentionConfig cfg, Instant now, boolean dryRun, boolean scanOnly)
      throws SQLException, IOException {
    if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return new Outcome(0, null);
    }
    long files = 0;
    Instant oldest = null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "s-*.cast")) {
      for (Path f : ds) {
        var m = FILE.matcher(f.getFileName().toString());
        if (!m.matches() || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String session = m.group(1);
        Instant written = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant();
        String target = null;
        Instant ended = written;
        try (PreparedStatement ps =
            c.prepareStatement("select target, closed_at from tunnel_sessions where id = ?")) {
          ps.setString(1, session);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              target = rs.getString(1);
              OffsetDateTime closed = rs.getObject(2, OffsetDateTime.class);
              if (closed != null) {
                ended = closed.toInstant();
              }
            }
          }
        }
        if (oldest == null || ended.isBefore(oldest)) {
          oldest = ended;
        }
        Keep keep = target == null ? cfg.recordings() : cfg.recordingsOf(target);
        Optional<Instant> cutoff = keep.cutoff(now);
        if (scanOnly || cutoff.isEmpty() || !ended.isBefore(cutoff.get())) {
          continue;
        }
        files++;
        if (dryRun) {
          continue;
        }
        Files.deleteIfExists(f);
        try (PreparedStatement mark =
            c.prepareStatement("update tunnel_sessions set recording_purged_at = ? where id = ?")) {
          mark.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
          mark.setString(2, session);
          mark.executeUpdate();
        }
        LOG.info("retention removed recording session={} target={}", session, target);
      }
    }
    return new Outcome(files, oldest);
  }
}
