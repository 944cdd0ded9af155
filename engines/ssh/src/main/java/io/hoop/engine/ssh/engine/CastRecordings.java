package io.hoop.engine.ssh.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.asciicast.AsciicastWriter;
import io.hoop.asciicast.CastHeader;
import io.hoop.asciicast.CastReader;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.engine.ssh.bridge.BridgeListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminal recordings of ssh sessions: the output of every pty channel of a session as one
 * asciicast v2 file {@code <dir>/<sessionId>.cast} (mode 0600, directory 0700), written by {@link
 * AsciicastWriter}. Keystrokes are recorded ({@code "i"} events) when the bridge reports them,
 * which it does only for roles with {@code recordInput: true}; the writer keeps only input the
 * terminal echoed. Sessions without a pty (exec, sftp) have no file.
 */
public final class CastRecordings {
  private static final Logger LOG = LoggerFactory.getLogger(CastRecordings.class);
  private static final Pattern SESSION = Pattern.compile("^s-[A-Za-z0-9-]{1,64}$");

  private final Path dir;

  public CastRecordings(Path dir) {
    this.dir = requireNonNull(dir, "dir");
  }

  /** The recording of {@code sessionId}, if it has one. */
  public Optional<Path> file(String sessionId) {
    if (sessionId == null || !SESSION.matcher(sessionId).matches()) {
      return Optional.empty();
    }
    Path p = dir.resolve(sessionId + ".cast");
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** A listener that records the pty output of {@code sessionId}, titled {@code title}. */
  public BridgeListener listener(String sessionId, String title) {
    if (!SESSION.matcher(requireNonNull(sessionId, "sessionId")).matches()) {
      throw new IllegalArgumentException("'" + sessionId + "' is not a session id");
    }
    return new Recording(sessionId, requireNonNull(title, "title"));
  }

  private final class Recording implements BridgeListener {
    private final String sessionId;
    private final String title;
    private AsciicastWriter writer;
    private boolean failed;

    private int columns = 80;
    private int rows = 24;

    Recording(String sessionId, String title) {
      this.sessionId = sessionId;
      this.title = title;
    }

    @Override
    public synchronized void onEvent(BridgeEvent event) {
      if (failed) {
        return;
      }
      try {
        if (event instanceof BridgeEvent.Resized r && writer == null) {
          // The pty request's size, before the first output: the cast's header says it.
          // Clamped: a client's absurd size must not stop the recording (the header refuses it).
          columns = r.columns() > 0 ? Math.min(r.columns(), CastReader.MAX_SIZE) : columns;
          rows = r.rows() > 0 ? Math.min(r.rows(), CastReader.MAX_SIZE) : rows;
        } else if (event instanceof BridgeEvent.Output o) {
          open();
          writer.output(o.data(), 0, o.data().length);
        } else if (event instanceof BridgeEvent.Input i) {
          open();
          writer.input(i.data(), 0, i.data().length);
        } else if (event instanceof BridgeEvent.Resized r) {
          writer.resize(r.columns(), r.rows());
        } else if (event instanceof BridgeEvent.Closed && writer != null) {
          writer.close();
        } else if (event instanceof BridgeEvent.ChannelEnded && writer != null) {
          writer.flush();
        }
      } catch (IOException | RuntimeException e) {
        failed = true;
        LOG.error("cannot record the terminal of session={}; recording stopped", sessionId, e);
      }
    }

    private void open() throws IOException {
      if (writer != null) {
        return;
      }
      boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        if (posix) {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
      }
      Path file = dir.resolve(sessionId + ".cast");
      if (posix && !Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      OutputStream out =
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      writer =
          new AsciicastWriter(
              out,
              new CastHeader(
                  columns, rows, Instant.now().getEpochSecond(), "xterm-256color", title),
              true,
              System::nanoTime);
    }
  }
}
