package io.hoop.broker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.broker.store.Store;
import io.hoop.broker.token.AdminTokens;
import io.hoop.broker.token.TokenService;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running broker's admin socket: answers its own OS user, keeps to its protocol, and survives
 * hostile clients. (The commands' side is in TokenCommandTest.)
 */
class AdminSocketTest {
  /** The socket's tokens run on a clock of their own, so an answer shows it came through here. */
  static final Instant SOCKET_NOW = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;
  Store store;
  AdminSocket socket;

  @BeforeEach
  void start() throws Exception {
    store = Store.openEmbedded(dir);
    Clock clock = Clock.fixed(SOCKET_NOW, ZoneOffset.UTC);
    socket =
        AdminSocket.start(
            dir, new AdminTokens(store, TokenService.loadOrCreate(dir, clock), clock));
  }

  @AfterEach
  void stop() {
    socket.close();
    store.close();
  }

  @Test
  void onlyItsOwnerCanReachTheSocket() throws Exception {
    Path path = AdminSocket.path(dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
        .isEqualTo("rw-------");
  }

  @Test
  void createsListsAndRevokesWithTheCallerAsOperator() throws Exception {
    JsonNode created =
        AdminClient.call(
                dir,
                Map.of(
                    "op",
                    "token.create",
                    "principal",
                    "bot",
                    "groups",
                    List.of("ci"),
                    "ttlSeconds",
                    3600))
            .orElseThrow();
    assertThat(created.path("ok").asBoolean()).isTrue();
    assertThat(created.at("/created/principal").asText()).isEqualTo("token:bot");
    assertThat(created.at("/created/expiresAt").asText()).isEqualTo("2030-01-01T01:00:00Z");
    String id = created.at("/created/id").asText();

    JsonNode list = AdminClient.call(dir, Map.of("op", "token.list")).orElseThrow();
    assertThat(list.path("tokens")).hasSize(1);
    assertThat(list.at("/tokens/0/createdBy").asText())
        .isEqualTo("admin:" + System.getProperty("user.name"));
    assertThat(list.toString()).doesNotContain(created.at("/created/token").asText());

    JsonNode revoked = AdminClient.call(dir, Map.of("op", "token.revoke", "id", id)).get();
    assertThat(revoked.path("ok").asBoolean()).isTrue();
    JsonNode again = AdminClient.call(dir, Map.of("op", "token.revoke", "id", "t-nope")).get();
    assertThat(again.path("ok").asBoolean()).isFalse();
    assertThat(again.path("error").asText()).contains("no admin token t-nope");
  }

  @Test
  void refusesBadValuesAndUnknownRequestsWithAnAnswer() throws Exception {
    JsonNode ttl =
        AdminClient.call(
                dir, Map.of("op", "token.create", "principal", "bot", "ttlSeconds", 25 * 3600))
            .orElseThrow();
    assertThat(ttl.path("ok").asBoolean()).isFalse();
    assertThat(ttl.path("error").asText()).contains("at most 24h");
    JsonNode name =
        AdminClient.call(dir, Map.of("op", "token.create", "principal", "a b", "ttlSeconds", 60))
            .orElseThrow();
    assertThat(name.path("error").asText()).contains("printable characters without spaces");
    JsonNode op = AdminClient.call(dir, Map.of("op", "drop\u001b[2Jtables")).orElseThrow();
    assertThat(op.path("error").asText()).contains("unknown request").doesNotContain("\u001b");
  }

  @Test
  void retentionRequestsWithoutAPurgerOrWithBadValuesAreRefusedWithAnAnswer() throws Exception {
    JsonNode none = AdminClient.call(dir, Map.of("op", "retention.status")).orElseThrow();
    assertThat(none.path("ok").asBoolean()).isFalse();
    assertThat(none.path("error").asText()).isEqualTo("this broker runs no retention purger");

    socket.close();
    Clock clock = Clock.fixed(SOCKET_NOW, ZoneOffset.UTC);
    io.hoop.broker.store.AuditLog log = new io.hoop.broker.store.AuditLog(store, clock);
    io.hoop.broker.retention.RetentionPurger purger =
        new io.hoop.broker.retention.RetentionPurger(
            store,
            log,
            new io.hoop.broker.audit.AuditExports(store),
            () -> io.hoop.broker.config.RetentionConfig.DEFAULTS,
            dir.resolve("recordings"),
            clock);
    socket =
        AdminSocket.start(
            dir, new AdminTokens(store, TokenService.loadOrCreate(dir, clock), clock), purger);
    for (Object hostile : List.of("yes", 1, List.of(true), Map.of("a", 1))) {
      JsonNode bad =
          AdminClient.call(dir, Map.of("op", "retention.purge", "dryRun", hostile)).orElseThrow();
      assertThat(bad.path("ok").asBoolean()).as("%s", hostile).isFalse();
      assertThat(bad.path("error").asText()).isEqualTo("dryRun must be true or false");
    }
    JsonNode status = AdminClient.call(dir, Map.of("op", "retention.status")).orElseThrow();
    assertThat(status.at("/status/configured/audit").asText()).isEqualTo("never");
    assertThat(status.at("/status/store").asText()).isEqualTo("h2");
    JsonNode dry =
        AdminClient.call(dir, Map.of("op", "retention.purge", "dryRun", true)).orElseThrow();
    assertThat(dry.at("/purge/dryRun").asBoolean()).isTrue();
    assertThat(dry.at("/purge/kinds")).hasSize(3);
    // A dry run writes nothing, not even an audit record.
    assertThat(log.head().seq()).isZero();
  }

  @Test
  void hostileClientsGetNoAnswerAndTheSocketKeepsServing() throws Exception {
    for (byte[] hostile :
        List.of(
            "not json\n".getBytes(StandardCharsets.UTF_8),
            "[1,2,3]\n".getBytes(StandardCharsets.UTF_8),
            "{\"op\":".getBytes(StandardCharsets.UTF_8),
            new byte[70 * 1024])) {
      assertThat(rawExchange(hostile))
          .as(new String(hostile, 0, Math.min(10, hostile.length), StandardCharsets.UTF_8))
          .isEmpty();
    }
    assertThat(
            AdminClient.call(dir, Map.of("op", "token.list")).orElseThrow().path("ok").asBoolean())
        .isTrue();
  }

  @Test
  void noBrokerNoSocketAndAStaleFileIsNotABroker() throws Exception {
    socket.close();
    assertThat(Files.exists(AdminSocket.path(dir))).isFalse();
    assertThat(AdminClient.call(dir, Map.of("op", "token.list"))).isEmpty();
    Files.writeString(AdminSocket.path(dir), "stale");
    assertThat(AdminClient.call(dir, Map.of("op", "token.list"))).isEmpty();
    // A new broker replaces the stale file.
    socket =
        AdminSocket.start(
            dir,
            new AdminTokens(
                store, TokenService.loadOrCreate(dir, Clock.systemUTC()), Clock.systemUTC()));
    assertThat(AdminClient.call(dir, Map.of("op", "token.list"))).isPresent();
  }

  /** Sends raw bytes, then reads what comes back until the broker closes (at most 15 s). */
  private String rawExchange(byte[] bytes) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(AdminSocket.path(dir)));
      ByteBuffer out = ByteBuffer.wrap(bytes);
      try {
        while (out.hasRemaining()) {
          ch.write(out);
        }
      } catch (IOException e) {
        return ""; // closed on us mid-write: no answer
      }
      if (bytes[bytes.length - 1] != '\n' && bytes.length < 1024) {
        ch.shutdownOutput();
      }
      ByteBuffer in = ByteBuffer.allocate(1024);
      StringBuilder got = new StringBuilder();
      try {
        while (ch.read(in) > 0) {
          in.flip();
          got.append(StandardCharsets.UTF_8.decode(in));
          in.clear();
        }
      } catch (IOException e) {
        // reset: no answer
      }
      return got.toString();
    }
  }

  static JsonNode json(String s) throws IOException {
    return Json.mapper().readTree(s);
  }
}
