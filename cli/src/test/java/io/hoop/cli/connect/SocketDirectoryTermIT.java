package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM (what {@code kill} and service managers send) skips {@code hoop connect}'s normal close:
 * the socket directory must still go, through its shutdown hook, in a real JVM.
 */
class SocketDirectoryTermIT {
  /** Opens a socket directory, prints it and waits to be killed. */
  public static void main(String[] args) throws Exception {
    Instant now = Instant.now();
    Grant grant =
        new Grant(
            "g-1",
            "demo-db",
            "postgres",
            null,
            "alice",
            "T-1",
            null,
            GrantStatus.APPROVED,
            null,
            now,
            now,
            now.plusSeconds(60),
            null,
            null,
            List.of(),
            0,
            List.of());
    SocketDirectory dir = SocketDirectory.open(null, grant, 0, Map.of());
    Files.writeString(dir.socket(), "stands in for the socket");
    System.out.println(dir.socket());
    System.out.flush();
    Thread.sleep(60_000);
    dir.close();
  }

  @Test
  void sigtermRemovesTheSocketAndItsDirectory() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SocketDirectoryTermIT.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String line;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        line = out.readLine();
      }
      assertThat(line).as("socket path printed by the child").isNotNull();
      Path socket = Path.of(line);
      assertThat(socket).exists();
      child.destroy(); // SIGTERM on Unix
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(143);
      assertThat(socket).doesNotExist();
      assertThat(socket.getParent()).doesNotExist();
    } finally {
      child.destroyForcibly();
    }
  }
}
