package io.hoop.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.store.StoreException;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.tunnel.tls.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker on a PostgreSQL store (SCRAM login, password from {@code store.passwordFile}) grants,
 * writes to that server, and fails closed with 503 {@code store_unavailable} once it is gone.
 */
class StoreOutageIT {
  private static final String PASSWORD = "Pg-outage-s3cret";

  @TempDir Path dir;
  private PostgresCluster pg;

  @BeforeEach
  void startPostgres() {
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("hoop", PASSWORD);
    pg.execSql("CREATE DATABASE hoop OWNER hoop");
  }

  @AfterEach
  void stopPostgres() {
    pg.close();
  }

  String config(String password) throws Exception {
    Path pw = dir.resolve("store-password");
    Files.writeString(pw, password + "\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    return """
        store:
          url: postgresql://%s:%d/hoop
          user: hoop
          passwordFile: %s
        devIdp:
          users:
            - username: alice
              groups: [engineering]
        targets:
          - name: db
            type: tcp
            address: 127.0.0.1:1
        entitlements:
          - group: engineering
            targets: [db]
            reviewedBy: carol
            reviewExpiresAt: 2099-01-01T00:00:00Z
        """
        .formatted(pg.host(), pg.port(), pw);
  }

  static HttpResponse<String> requestGrant(BrokerFixture broker, String token) throws Exception {
    HttpClient http =
        HttpClient.newBuilder().sslContext(Tls.jdkClientPinned(broker.fingerprint())).build();
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(broker.url() + "/v1/grants"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"db\",\"task\":\"OPS-1\"}"));
    broker.authorize(req, "POST", "/v1/grants", token);
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void grantsLandInPostgresAndALostStoreAnswers503NotAGrant() throws Exception {
    try (BrokerFixture broker = BrokerFixture.start(config(PASSWORD))) {
      String token = broker.login("alice");
      HttpResponse<String> ok = requestGrant(broker, token);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).contains("\"APPROVED\"");
      assertThat(pg.execSql("hoop", "select principal, status from grants").strip())
          .isEqualTo("alice|APPROVED");
      assertThat(pg.execSql("hoop", "select count(*) from audit_events where hash is not null"))
          .contains("2");

      pg.close();
      long start = System.nanoTime();
      HttpResponse<String> down = requestGrant(broker, token);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
      assertThat(down.body())
          .contains("\"store_unavailable\"")
          .contains("the broker's store is unavailable, so the request was refused")
          .doesNotContain(PASSWORD)
          .doesNotContain("Exception");
      assertThat(took)
          .as("fails within the pool's connection timeout")
          .isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void aWrongPasswordStopsTheBrokerFromStartingAndIsNeverShown() throws Exception {
    String wrong = "not-the-Password-42";
    assertThatThrownBy(() -> BrokerFixture.start(config(wrong)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith(
            "cannot open the PostgreSQL store postgresql://hoop@127.0.0.1:" + pg.port() + "/hoop: ")
        .hasMessageContaining("password authentication failed for user \"hoop\"")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining(PASSWORD);
  }
}
