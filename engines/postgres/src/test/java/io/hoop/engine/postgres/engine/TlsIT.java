package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.guard.Rules;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.testing.TestCerts;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's TLS hop to a real PostgreSQL with ssl=on and a test CA. */
class TlsIT {
  private static final String ROLE = "app_tls";
  private static final String CLEAR = "app_clear";
  private static final String PASSWORD = "tls-Pa55-word";

  @TempDir static Path certs;
  private static LocalPostgres pg;
  private static TestCerts server;
  private static TestCerts stranger;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    server = TestCerts.selfSigned(Files.createDirectory(certs.resolve("server")), "localhost");
    stranger = TestCerts.selfSigned(Files.createDirectory(certs.resolve("other")), "localhost");
    pg =
        LocalPostgres.start(
            server.certPem(),
            server.keyPem(),
            "hostssl all "
                + CLEAR
                + " 127.0.0.1/32 password\n"
                + "host all "
                + CLEAR
                + " 127.0.0.1/32 password");
    for (String role : new String[] {ROLE, CLEAR}) {
      pg.superuser("CREATE ROLE " + role + " LOGIN PASSWORD '" + PASSWORD + "'");
    }
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  private Processes.Result psql(String role, UpstreamTls tls, String sql) throws Exception {
    PostgresSettings settings =
        new PostgresSettings(
            role,
            Secret.of(PASSWORD),
            "postgres",
            Rules.defaults(),
            null,
            tls,
            EngineListener.NONE);
    try (TunnelHarness harness =
        PgTunnels.harness(dir, settings, pg.address(), Instant.now().plusSeconds(600))) {
      InetSocketAddress local = PgTunnels.client(harness);
      return PgTunnels.psql(pg, dir, local, "-c", sql);
    }
  }

  private static final String SSL_IN_USE =
      "select ssl from pg_stat_ssl where pid = pg_backend_pid()";

  @Test
  void verifyFullWithTheRightCaConnectsOverTls() throws Exception {
    Processes.Result result =
        psql(ROLE, new UpstreamTls(UpstreamTls.Mode.VERIFY_FULL, server.certPem()), SSL_IN_USE);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().strip()).isEqualTo("t");
  }

  @Test
  void verifyFullWithAnotherCaIsAClearFatal() throws Exception {
    Processes.Result result =
        psql(ROLE, new UpstreamTls(UpstreamTls.Mode.VERIFY_FULL, stranger.certPem()), "select 1");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("FATAL:  hoop: TLS to target orders-db failed");
  }

  @Test
  void requireEncryptsWithoutCheckingAndAllowsACleartextPassword() throws Exception {
    Processes.Result result =
        psql(CLEAR, new UpstreamTls(UpstreamTls.Mode.REQUIRE, null), SSL_IN_USE);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().strip()).isEqualTo("t");
  }

  @Test
  void aCleartextPasswordIsNeverSentWithoutTls() throws Exception {
    Processes.Result result = psql(CLEAR, UpstreamTls.disabled(), "select 1");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .contains("asks for a cleartext password, which hoop sends only over TLS")
        .doesNotContain(PASSWORD);
  }
}
