package io.hoop.broker.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.broker.retention.RetentionPurger;
import io.hoop.broker.store.TokenStore;
import io.hoop.broker.token.AdminTokens;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running broker's admin socket, {@code <data-dir>/admin/admin.sock}: how {@code hoop-broker
 * token} reaches a broker whose embedded store it cannot open (the broker holds its lock). Only the
 * broker's own OS user and root get an answer: the directory is 0700, the socket 0600, and the
 * peer's credentials (SO_PEERCRED) are checked on every connection; the operator recorded in the
 * audit is {@code admin:<that user>}. One JSON request per line, one JSON answer per line ({@link
 * AdminProtocol}).
 */
public final class AdminSocket implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);

  private final Path path;
  private final ServerSocketChannel server;
  private final AdminTokens tokens;
  private final RetentionPurger retention;
  private final String owner;
  private final Thread acceptor;

  private AdminSocket(
      Path path, ServerSocketChannel server, AdminTokens tokens, RetentionPurger retention) {
    this.path = path;
    this.server = server;
    this.tokens = tokens;
    this.retention = retention;
    this.owner = System.getProperty("user.name");
    this.acceptor = new Thread(this::acceptLoop, "hoop-admin-socket");
    acceptor.setDaemon(true);
  }

  /** Where the socket of the broker using {@code dataDir} is. */
  public static Path path(Path dataDir) {
    return dataDir.resolve("admin").resolve("admin.sock");
  }

  /**
   * Listens on the data dir's admin socket. A socket file left by a broker that died is replaced;
   * one a live broker answers on is not (that broker owns this data dir).
   */
  public static AdminSocket start(Path dataDir, AdminTokens tokens) throws IOException {
    return start(dataDir, tokens, null);
  }

  /**
   * As {@link #start(Path, AdminTokens)}, also answering {@code retention.status} and {@code
   * retention.purge} with {@code retention} (null: refused, naming the reason).
   */
  public static AdminSocket start(Path dataDir, AdminTokens tokens, RetentionPurger retention)
      throws IOException {
    requireNonNull(tokens, "tokens");
    Path path = path(dataDir);
    Path dir = path.getParent();
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    if (Files.exists(path)) {
      if (AdminClient.answers(path)) {
        throw new IOException(
            "another broker answers on " + path + " with the same data dir; stop it first");
      }
      Files.delete(path);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    AdminSocket socket = new AdminSocket(path, server, tokens, retention);
    socket.acceptor.start();
    LOG.info("admin socket listening path={}", path);
    return socket;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        Thread t = new Thread(() -> serve(client), "hoop-admin-request");
        t.setDaemon(true);
        t.start();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        LOG.warn("admin socket accept failed: {}", e.getMessage());
      }
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      String user = peer(client);
      if (user == null || !(user.equals(owner) || user.equals("root"))) {
        LOG.warn("admin socket refused peer user={} (only {} and root)", user, owner);
        AdminProtocol.write(
            client,
            AdminProtocol.error(
                "only " + owner + " and root may" + " use the broker's admin socket"));
        return;
      }
      JsonNode request = AdminProtocol.read(client, Duration.ofSeconds(10));
      AdminProtocol.write(client, answer(request, "admin:" + user));
    } catch (IOException | RuntimeException e) {
      LOG.warn("admin socket request failed: {}", e.getMessage());
    }
  }

  private static String peer(SocketChannel client) throws IOException {
    UnixDomainPrincipal p = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return p == null ? null : p.user().getName();
  }

  /** The answer to one request; refusals are answers too, never exceptions. */
  Map<String, Object> answer(JsonNode request, String operator) {
    String op = request.path("op").asText("");
    try {
      switch (op) {
        case "token.create":
          {
            List<String> groups = new ArrayList<>();
            request.path("groups").forEach(g -> groups.add(g.asText()));
            long seconds = request.path("ttlSeconds").asLong(0);
            AdminTokens.Created c =
                tokens.create(
                    request.path("principal").asText(""),
                    groups,
                    Duration.ofSeconds(seconds),
                    operator);
            return AdminProtocol.ok("created", c.fields());
          }
        case "token.list":
          {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TokenStore.AdminToken t : tokens.list()) {
              rows.add(tokens.listing(t));
            }
            return AdminProtocol.ok("tokens", rows);
          }
        case "token.revoke":
          {
            Optional<TokenStore.AdminToken> t =
                tokens.revoke(request.path("id").asText(""), operator);
            return t.isEmpty()
                ? AdminProtocol.error(
                    "no admin token " + request.path("id").asText("") + " (see" + " token list)")
                : AdminProtocol.ok("revoked", tokens.listing(t.get()));
          }
        case "retention.status":
          return retention == null
              ? AdminProtocol.error("this broker runs no retention purger")
              : AdminProtocol.ok("status", retention.status());
        case "retention.purge":
          {
            if (retention == null) {
              return AdminProtocol.error("this broker runs no retention purger");
            }
            JsonNode dry = request.path("dryRun");
            if (!dry.isMissingNode() && !dry.isBoolean()) {
              return AdminProtocol.error("dryRun must be true or false");
            }
            return AdminProtocol.ok(
                "purge", retention.purge(dry.asBoolean(false), operator).fields());
          }
        default:
          return AdminProtocol.error(
              "unknown request '"
                  + AdminProtocol.shown(op)
                  + "'; expected token.create, token.list, token.revoke, retention.status or"
                  + " retention.purge");
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      return AdminProtocol.error(e.getMessage());
    } catch (io.hoop.broker.store.StoreException e) {
      LOG.warn("admin request {} failed: {}", AdminProtocol.shown(op), e.getMessage());
      return AdminProtocol.error("the store failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("admin socket close failed: {}", e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "AdminSocket[" + path + "]";
  }
}
