package io.hoop.broker.cluster;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import io.hoop.broker.util.SecureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The key files every replica of one store must share, kept in the store sealed under the {@link
 * StoreKey}: the token signing keys and the audit key ({@code keys/}), the TLS certificate and key
 * ({@code tls/}), the ssh engine's host keys ({@code ssh-host-keys/}). A replica copies the store's
 * keys into its data dir before it loads them, creates the ones nobody made yet, and adds those to
 * the store: all under one PostgreSQL advisory lock, so two replicas starting at once end up with
 * the same keys.
 *
 * <p>A data dir key that differs from the store's is never replaced silently (tokens it signed
 * would stop verifying): the replica refuses to start and says which file to move aside.
 */
public final class SharedKeys {
  /** The data dir's directories whose files are shared. */
  static final List<String> DIRS = List.of("keys", "tls", "ssh-host-keys");

  // One lock for the whole sync; the number is arbitrary but fixed ("hoopkeys").
  private static final long LOCK = 0x686f6f706b657973L;
  private static final Pattern NAME =
      Pattern.compile("^(keys|tls|ssh-host-keys)/[A-Za-z0-9][A-Za-z0-9._-]{0,150}$");
  private static final int MAX_FILE = 48 * 1024;

  /** Creates the data dir's missing key files (the loaders' first start). */
  @FunctionalInterface
  public interface Creation {
    void createMissing() throws IOException;
  }

  /** What a sync did: files taken from the store, files added to it. */
  public record Result(List<String> fromStore, List<String> toStore) {}

  private SharedKeys() {}

  /**
   * Makes {@code dataDir}'s key files those of the store, creating what neither has.
   *
   * @throws IOException when a data dir key differs from the store's, a stored key does not open
   *     with {@code key}, or a file cannot be written
   * @throws StoreException when the store cannot be read or written
   */
  public static Result sync(Store store, Path dataDir, StoreKey key, Creation creation)
      throws IOException {
    requireNonNull(store, "store");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(key, "key");
    requireNonNull(creation, "creation");
    try (Connection c = store.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("select pg_advisory_xact_lock(" + LOCK + ")");
        }
        Map<String, String> stored = stored(c);
        List<String> fromStore = new ArrayList<>();
        for (Map.Entry<String, String> e : stored.entrySet()) {
          if (adopt(dataDir, e.getKey(), key.open(e.getKey(), e.getValue()))) {
            fromStore.add(e.getKey());
          }
        }
        creation.createMissing();
        List<String> toStore = new ArrayList<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "insert into broker_keys (name, sealed, created_at) values (?, ?, ?)")) {
          for (String name : localNames(dataDir)) {
            if (!stored.containsKey(name)) {
              ps.setString(1, name);
              ps.setString(2, key.seal(name, read(dataDir, name)));
              ps.setObject(3, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
              ps.addBatch();
              toStore.add(name);
            }
          }
          ps.executeBatch();
        }
        c.commit();
        return new Result(fromStore, toStore);
      } catch (IOException | SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot share the broker's keys through the store: " + e, e);
    }
  }

  private static Map<String, String> stored(Connection c) throws SQLException, IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select name, sealed from broker_keys order by name")) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (!NAME.matcher(name).matches()) {
          throw new IOException(
              "the store holds a shared key named '"
                  + (name.length() > 80 ? name.substring(0, 80) + "..." : name)
                  + "', which is not a data dir key path; refusing to write it");
        }
        out.put(name, rs.getString(2));
      }
    }
    return out;
  }

  /** Writes the store's key to the data dir; false when the same file was there already. */
  private static boolean adopt(Path dataDir, String name, byte[] content) throws IOException {
    Path file = dataDir.resolve(name);
    if (Files.exists(file)) {
      if (Arrays.equals(read(dataDir, name), content)) {
        return false;
      }
      throw new IOException(
          file
              + " differs from the "
              + name
              + " the other replicas share in the store; tokens and pins made with one would fail"
              + " on the other. Keep the store's: move "
              + file
              + " aside and start again (or clear broker_keys to make this broker's keys the"
              + " shared ones, which signs out everyone)");
    }
    SecureFiles.writePrivate(file, content);
    return true;
  }

  private static List<String> localNames(Path dataDir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String dir : DIRS) {
      Path d = dataDir.resolve(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        for (Path f : files.sorted().toList()) {
          String name = dir + "/" + f.getFileName();
          if (Files.isRegularFile(f) && NAME.matcher(name).matches() && !isTemporary(name)) {
            out.add(name);
          }
        }
      }
    }
    return out;
  }

  private static boolean isTemporary(String name) {
    return name.endsWith(".tmp") || name.endsWith(".part");
  }

  private static byte[] read(Path dataDir, String name) throws IOException {
    Path file = dataDir.resolve(name);
    if (Files.size(file) > MAX_FILE) {
      throw new IOException(file + " is larger than " + MAX_FILE + " bytes; not a key file");
    }
    return Files.readAllBytes(file);
  }
}
