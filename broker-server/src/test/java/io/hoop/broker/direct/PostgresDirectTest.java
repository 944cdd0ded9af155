package io.hoop.broker.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.tls.DevCertificate;
import io.hoop.engine.postgres.engine.internal.ScramClient;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelEvents;
import io.hoop.tunnel.server.TunnelParty;
import io.hoop.tunnel.server.TunnelRejectedException;
import io.hoop.tunnel.server.TunnelServer;
import io.hoop.tunnel.transport.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's PostgreSQL port on its own (real sockets, real TLS, no store): the plaintext phase,
 * and a proven password whose grant the authorizer no longer admits. Every refusal is an audit
 * event.
 */
class PostgresDirectTest {
  record Rejected(String code, String message, TunnelParty party) {}

  @TempDir Path dir;
  final List<Rejected> rejected = new CopyOnWriteArrayList<>();
  EventLoopGroup boss;
  EventLoopGroup workers;
  PostgresDirect direct;
  DevCertificate cert;

  @BeforeEach
  void start() throws Exception {
    cert = DevCertificate.loadOrCreate(dir, Clock.systemUTC());
    TunnelEvents events =
        new TunnelEvents() {
          @Override
          public void rejected(SocketAddress remote, String code, String message) {
            rejected(remote, code, message, TunnelParty.UNKNOWN);
          }

          @Override
          public void rejected(
              SocketAddress remote, String code, String message, TunnelParty party) {
            rejected.add(new Rejected(code, message, party));
          }

          @Override
          public void opened(TunnelAuthorization authorization, SocketAddress remote) {}

          @Override
          public void closed(
              TunnelAuthorization authorization, long bytesUp, long bytesDown, String reason) {}
        };
    TunnelServer tunnels =
        new TunnelServer(
            (handshake, remote) -> {
              throw new TunnelRejectedException("unused", "no tunnels here");
            },
            events,
            Runnable::run,
            Clock.systemUTC());
    boss = Transports.newGroup(1, "test-accept");
    workers = Transports.newGroup(1, "test-io");
    direct =
        PostgresDirect.start(
            "127.0.0.1:0",
            cert.certPath(),
            cert.keyPath(),
            DirectCredentials.inMemory(Clock.systemUTC()),
            (grantId, principal) -> {
              throw new TunnelRejectedException(
                  "grant_revoked", "grant " + grantId + " is revoked");
            },
            tunnels,
            Runnable::run,
            boss,
            workers);
  }

  @AfterEach
  void stop() {
    direct.close();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private Socket plain() throws IOException {
    Socket s = new Socket("127.0.0.1", direct.port());
    s.setSoTimeout(10_000);
    return s;
  }

  private static byte[] startup(String user, String database) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(body);
    o.writeInt(196608);
    for (String kv : new String[] {"user", user, "database", database}) {
      o.write(kv.getBytes(StandardCharsets.UTF_8));
      o.write(0);
    }
    o.write(0);
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    DataOutputStream m = new DataOutputStream(msg);
    m.writeInt(body.size() + 4);
    m.write(body.toByteArray());
    return msg.toByteArray();
  }

  private static byte[] typed(char type, byte[] payload) throws IOException {
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    DataOutputStream m = new DataOutputStream(msg);
    m.writeByte(type);
    m.writeInt(payload.length + 4);
    m.write(payload);
    return msg.toByteArray();
  }

  /** One backend message: its type and body, or null at the end of the stream. */
  private static Object[] read(DataInputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    byte[] body = new byte[in.readInt() - 4];
    in.readFully(body);
    return new Object[] {(char) type, body};
  }

  private static String text(Object[] message) {
    return new String((byte[]) message[1], StandardCharsets.UTF_8);
  }

  @Test
  void aPlaintextStartupGetsAFatalNamingTlsAndIsAudited() throws Exception {
    try (Socket s = plain()) {
      s.getOutputStream().write(startup("g-a", "app"));
      DataInputStream in = new DataInputStream(s.getInputStream());
      Object[] error = read(in);
      assertThat(error[0]).isEqualTo('E');
      assertThat(text(error)).contains("28000").contains("requires TLS");
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(rejected)
        .singleElement()
        .satisfies(r -> assertThat(r.code()).isEqualTo("tls_required"));
  }

  @Test
  void gssEncryptionIsDeclinedThenSslRequestAccepted() throws Exception {
    try (Socket s = plain()) {
      DataOutputStream o = new DataOutputStream(s.getOutputStream());
      o.writeInt(8);
      o.writeInt(80877104);
      o.flush();
      assertThat(s.getInputStream().read()).isEqualTo('N');
      o.writeInt(8);
      o.writeInt(80877103);
      o.flush();
      assertThat(s.getInputStream().read()).isEqualTo('S');
    }
    assertThat(rejected).isEmpty();
  }

  @Test
  void aCancelWithAKeyNoSessionHoldsAndBytesStuffedAfterTheSslRequestAreRefused() throws Exception {
    try (Socket s = plain()) {
      DataOutputStream o = new DataOutputStream(s.getOutputStream());
      o.writeInt(16);
      o.writeInt(80877102);
      o.writeInt(1);
      o.writeInt(2);
      o.flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket s = plain()) {
      DataOutputStream o = new DataOutputStream(s.getOutputStream());
      ByteArrayOutputStream both = new ByteArrayOutputStream();
      DataOutputStream b = new DataOutputStream(both);
      b.writeInt(8);
      b.writeInt(80877103);
      b.write(startup("g-a", "app"));
      o.write(both.toByteArray());
      o.flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(rejected)
                    .extracting(Rejected::message)
                    .anyMatch(m -> m.contains("CancelRequest"))
                    .anyMatch(m -> m.contains("after its SSLRequest")));
  }

  @Test
  void aProvenPasswordOfAGrantTheAuthorizerRefusesGetsAFatalAndAnAuditedRefusal() throws Exception {
    DirectCredentials.Issued issued =
        direct.credentials().issue("g-a", "alice", Instant.now().plusSeconds(600));
    try (Socket plain = plain()) {
      DataOutputStream o = new DataOutputStream(plain.getOutputStream());
      o.writeInt(8);
      o.writeInt(80877103);
      o.flush();
      assertThat(plain.getInputStream().read()).isEqualTo('S');
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      try (InputStream in = Files.newInputStream(cert.certPath())) {
        ks.setCertificateEntry(
            "broker", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      try (SSLSocket s =
          (SSLSocket)
              ctx.getSocketFactory().createSocket(plain, "127.0.0.1", direct.port(), true)) {
        s.startHandshake();
        var out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        out.write(startup("g-a", "app"));
        assertThat(text(read(in))).contains("SCRAM-SHA-256");
        ScramClient scram = new ScramClient("", issued.password(), ScramClient.randomNonce());
        byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream initial = new ByteArrayOutputStream();
        initial.write("SCRAM-SHA-256\0".getBytes(StandardCharsets.UTF_8));
        new DataOutputStream(initial).writeInt(first.length);
        initial.write(first);
        out.write(typed('p', initial.toByteArray()));
        Object[] cont = read(in);
        String serverFirst =
            new String(
                java.util.Arrays.copyOfRange((byte[]) cont[1], 4, ((byte[]) cont[1]).length),
                StandardCharsets.UTF_8);
        out.write(typed('p', scram.clientFinal(serverFirst).getBytes(StandardCharsets.UTF_8)));
        Object[] fin = read(in);
        assertThat(fin[0]).isEqualTo('R');
        scram.verifyServerFinal(
            new String(
                java.util.Arrays.copyOfRange((byte[]) fin[1], 4, ((byte[]) fin[1]).length),
                StandardCharsets.UTF_8));
        Object[] error = read(in);
        assertThat(error[0]).isEqualTo('E');
        assertThat(text(error)).contains("28000").contains("grant g-a is revoked");
      }
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(rejected)
                    .anySatisfy(
                        r -> {
                          assertThat(r.code()).isEqualTo("grant_revoked");
                          assertThat(r.party().grantId()).isEqualTo("g-a");
                          assertThat(r.party().principal()).isEqualTo("alice");
                          assertThat(r.message()).doesNotContain(issued.password());
                        }));
  }
}
