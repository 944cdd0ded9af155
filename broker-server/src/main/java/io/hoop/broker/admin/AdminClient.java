package io.hoop.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code hoop-broker token}'s side of the running broker's {@link AdminSocket}. */
public final class AdminClient {
  private AdminClient() {}

  /** Whether a broker answers on the socket at {@code path}. */
  static boolean answers(Path path) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return ch.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Sends one request to the broker running on {@code dataDir}; empty when none runs there (no
   * socket, or a socket nobody answers on), so the caller works on the store itself.
   *
   * @return the broker's answer: {@code ok} and a field, or {@code ok:false} and {@code error}
   * @throws IOException when a broker answered the connection but not the request
   */
  public static Optional<JsonNode> call(Path dataDir, Map<String, Object> request)
      throws IOException {
    return call(dataDir, request, Duration.ofSeconds(30));
  }

  /** As {@link #call(Path, Map)}, waiting up to {@code timeout} for the answer (a long purge). */
  public static Optional<JsonNode> call(Path dataDir, Map<String, Object> request, Duration timeout)
      throws IOException {
    Path path = AdminSocket.path(dataDir);
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try (ch) {
      try {
        ch.connect(UnixDomainSocketAddress.of(path));
      } catch (IOException e) {
        return Optional.empty();
      }
      AdminProtocol.write(ch, request);
      return Optional.of(AdminProtocol.read(ch, timeout));
    }
  }
}
