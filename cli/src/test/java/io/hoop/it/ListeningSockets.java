package io.hoop.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets a process listens on, from Linux's {@code /proc}: the socket inodes among its
 * open files, matched against the listening entries (state {@code 0A}) of {@code /proc/net/tcp} and
 * {@code tcp6}. Only that process's own sockets count, so other programs on the machine (parallel
 * builds) do not disturb the answer.
 */
final class ListeningSockets {
  private ListeningSockets() {}

  /**
   * {@code host:port} (hex, as the kernel writes them) of every TCP socket {@code pid} listens on.
   */
  static List<String> tcpOf(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // Closed meanwhile.
        }
      }
    }
    List<String> listening = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          listening.add(f[1]);
        }
      }
    }
    return listening;
  }
}
