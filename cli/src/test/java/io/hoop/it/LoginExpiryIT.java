package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.TestIssuer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@code hoop connect} outlives its login: with 4-second broker sessions, an open
 * connection keeps working after the session expired and could not be renewed, new connections are
 * refused with a clear message, and once the login can be renewed again new connections work.
 */
class LoginExpiryIT {
  static EchoServer echo;
  static TestIssuer issuer;
  static BrokerFixture broker;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    issuer = TestIssuer.start();
    broker =
        BrokerFixture.start(
            """
            sessionTtl: 4s
            identity:
              requireDpop: true
              federation:
                - name: ci
                  issuer: %s
                  audience: hoop
                  conditions: {repository: "acme/*"}
                  principal: "ci:{repository}"
                  groups: [deployers]
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
            entitlements:
              - group: deployers
                targets: [echo]
                maxDuration: 1h
            """
                .formatted(issuer.issuer(), echo.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (issuer != null) {
      issuer.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private Map<String, String> env() {
    return HoopCli.env(home.resolve("hoop"));
  }

  private String mint() {
    return issuer.mint(
        "hoop", "repo:acme/app", Map.of("repository", "acme/app"), Duration.ofMinutes(5));
  }

  @Test
  void openConnectionsOutliveTheLoginAndNewOnesFollowItsRenewal() throws Exception {
    Path tokenFile = home.resolve("token");
    Files.writeString(tokenFile, mint());
    HoopCli.Run login =
        HoopCli.run(
            env(),
            null,
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--federated-token-file",
            tokenFile.toString());
    assertThat(login.code()).as(login.err()).isZero();

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Integer> connect =
        CompletableFuture.supplyAsync(
            () ->
                HoopCli.run(
                        env(),
                        err,
                        "connect",
                        "echo",
                        "--task",
                        "EXP-1",
                        "--port",
                        String.valueOf(port),
                        "--",
                        "sleep",
                        "25")
                    .code());
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> canConnect(port));

    try (Socket early = new Socket(InetAddress.getLoopbackAddress(), port)) {
      early.setSoTimeout(5000);
      assertThat(echoOnce(early, "one")).isEqualTo("one");

      // The token can no longer be read: the session cannot be renewed and expires.
      Files.delete(tokenFile);
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> err.toString(StandardCharsets.UTF_8).contains("cannot be renewed"));
      Thread.sleep(5000);

      assertThat(echoOnce(early, "two"))
          .as("the open connection outlives the login")
          .isEqualTo("two");
      try (Socket late = new Socket(InetAddress.getLoopbackAddress(), port)) {
        late.setSoTimeout(5000);
        assertThat(echoOnce(late, "three")).as("a new connection needs a live session").isNull();
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> err.toString(StandardCharsets.UTF_8).contains("broker refused a connection"));

      // The workload's token is back (rotated): the keeper renews, new connections work again.
      Files.writeString(tokenFile, mint());
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> err.toString(StandardCharsets.UTF_8).contains("login renewed"));
      try (Socket again = new Socket(InetAddress.getLoopbackAddress(), port)) {
        again.setSoTimeout(5000);
        assertThat(echoOnce(again, "four")).isEqualTo("four");
      }
      assertThat(echoOnce(early, "five")).isEqualTo("five");
    }
    assertThat(connect.get()).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("run hoop login in another terminal")
        .doesNotContain("Exception");
  }

  private static boolean canConnect(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      return "ping".equals(echoOnce(s, "ping"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends {@code text}; returns what came back, or null when the tunnel closed instead. */
  private static String echoOnce(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    byte[] buf = new byte[text.length()];
    InputStream in = s.getInputStream();
    int n = 0;
    while (n < buf.length) {
      int r;
      try {
        r = in.read(buf, n, buf.length - n);
      } catch (java.net.SocketException e) {
        return null;
      }
      if (r < 0) {
        return null;
      }
      n += r;
    }
    return new String(buf, StandardCharsets.US_ASCII);
  }
}
