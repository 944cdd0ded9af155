package io.hoop.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.cli.HoopException;
import io.hoop.cli.connect.LocalEndpoint;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectCommandTest {
  private static Grant grant(GrantStatus status) {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    return new Grant(
        "g-1",
        "demo-db",
        "postgres",
        null,
        "alice",
        "DEMO-1",
        "why",
        status,
        "policy says so",
        now,
        now,
        now.plusSeconds(1800),
        "secret-token",
        null,
        java.util.List.of(),
        0,
        java.util.List.of());
  }

  @Test
  void readyJsonIsOneObjectWithTheGrantButNotItsToken() throws Exception {
    String text =
        Json.mapper()
            .writeValueAsString(
                ConnectCommand.readyJson(grant(GrantStatus.APPROVED), LocalEndpoint.tcp(15432)));
    JsonNode json = Json.mapper().readTree(text);
    assertThat(json.get("localAddress").asText()).isEqualTo("127.0.0.1:15432");
    assertThat(json.get("port").asInt()).isEqualTo(15432);
    assertThat(json.at("/grant/id").asText()).isEqualTo("g-1");
    assertThat(json.at("/grant/expiresAt").asText()).isEqualTo("2026-11-22T12:30:00Z");
    assertThat(text).doesNotContain("secret-token").doesNotContain("token");
  }

  @Test
  void onlyApprovedGrantsOpenTunnels() {
    ConnectCommand.requireApproved(grant(GrantStatus.APPROVED));
    assertThatThrownBy(() -> ConnectCommand.requireApproved(grant(GrantStatus.DENIED)))
        .isInstanceOf(HoopException.Denied.class)
        .hasMessage("access to demo-db denied: policy says so");
    assertThatThrownBy(() -> ConnectCommand.requireApproved(grant(GrantStatus.PENDING)))
        .isInstanceOf(HoopException.Pending.class)
        .hasMessageStartingWith("request g-1 is pending approval");
    assertThatThrownBy(() -> ConnectCommand.requireApproved(grant(GrantStatus.REVOKED)))
        .isInstanceOf(HoopException.GrantEnded.class);
  }

  @Test
  void withRequestWhatFollowsDashesIsTheCommandNotATarget() {
    List<String> resume = List.of("connect", "--request", "g-1", "--", "psql", "-c", "select 1");
    assertThat(ConnectCommand.positionalsBeforeDashes(resume, 3)).isZero();
    List<String> named = List.of("connect", "db", "--request", "g-1", "--", "psql");
    assertThat(ConnectCommand.positionalsBeforeDashes(named, 2)).isEqualTo(1);
    assertThat(ConnectCommand.positionalsBeforeDashes(List.of("connect", "db"), 1)).isEqualTo(1);
  }
}
