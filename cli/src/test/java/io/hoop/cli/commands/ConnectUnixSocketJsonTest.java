package io.hoop.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.cli.connect.LocalEndpoint;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code -o json} ready line of {@code hoop connect --unix-socket}. */
class ConnectUnixSocketJsonTest {
  private static Grant grant() {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    return new Grant(
        "g-1",
        "demo-db",
        "postgres",
        null,
        "alice",
        "DEMO-1",
        null,
        GrantStatus.APPROVED,
        null,
        now,
        now,
        now.plusSeconds(1800),
        "secret-token",
        null,
        List.of(),
        0,
        List.of());
  }

  @Test
  void namesTheSocketAndLibpqsHostAndPortButNoTcpAddress() throws Exception {
    Path socket = Path.of("/run/user/1000/hoop-abc123/.s.PGSQL.5432");
    String text =
        Json.mapper()
            .writeValueAsString(
                ConnectCommand.readyJson(grant(), LocalEndpoint.unixSocket(socket, 5432)));
    JsonNode json = Json.mapper().readTree(text);
    assertThat(json.get("socket").asText()).isEqualTo(socket.toString());
    assertThat(json.get("host").asText()).isEqualTo("/run/user/1000/hoop-abc123");
    assertThat(json.get("port").asInt()).isEqualTo(5432);
    assertThat(json.has("localAddress")).isFalse();
    assertThat(json.at("/grant/id").asText()).isEqualTo("g-1");
    assertThat(text).doesNotContain("secret-token");

    JsonNode other =
        Json.mapper()
            .readTree(
                Json.mapper()
                    .writeValueAsString(
                        ConnectCommand.readyJson(
                            grant(), LocalEndpoint.unixSocket(Path.of("/tmp/d/ssh.sock"), 0))));
    assertThat(other.has("port")).isFalse();
    assertThat(other.get("socket").asText()).isEqualTo("/tmp/d/ssh.sock");
  }
}
