package io.hoop.engine.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.engine.http.HttpRequestStep;
import io.hoop.engine.http.testing.HttpTunnels;
import io.hoop.engine.http.testing.TargetServer;
import io.hoop.engine.http.testing.TestPki;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB JSON response masked through the engine in a JVM whose heap (64 MB) and direct memory (48
 * MB) are smaller than the body, with the target, the broker, the tunnel client and the client all
 * in it: the masker must stream (failsafe's {@code bounded-heap} execution sets the limits).
 */
class LargeJsonIT {
  private static final int MB = 50;

  @TempDir Path dir;

  @Test
  void fiftyMegabytesAreMaskedInBoundedMemory() throws Exception {
    long maxHeap = Runtime.getRuntime().maxMemory();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        maxHeap < MB * 1024L * 1024L * 2,
        "proves nothing with a large heap: runs in failsafe's bounded-heap execution (-Xmx64m)");
    TestPki pki = TestPki.create(dir, "ca");
    Path token = dir.resolve("token");
    Files.writeString(token, "t0k");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    try (TargetServer target = new TargetServer(pki.context(pki.issue("localhost")), false);
        HttpTunnels tunnels =
            new HttpTunnels(
                dir,
                target.address(),
                "localhost",
                HttpTunnels.section(
                    pki.ca.certPem(),
                    token,
                    List.of(HttpTunnels.rule("/api/**", "allow", "GET")),
                    Map.of("masking", List.of(Map.of("field", "ssn")))))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + tunnels.local().getPort() + "/api/big?mb=" + MB))
                  .timeout(Duration.ofMinutes(5))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      long total = 0;
      long masked = 0;
      String carry = "";
      try (InputStream in = response.body()) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          total += n;
          String text = carry + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
          assertThat(text).doesNotContain("SECRET-");
          masked += count(text, "\"ssn\":\"****\"") - count(carry, "\"ssn\":\"****\"");
          carry = text.substring(Math.max(0, text.length() - 16));
        }
      }
      assertThat(total).isGreaterThan(MB * 1024L * 1024L * 9 / 10);
      assertThat(masked).isGreaterThan(200_000);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !tunnels.events(HttpRequestStep.class).isEmpty());
      HttpRequestStep step = tunnels.events(HttpRequestStep.class).get(0);
      assertThat(step.maskedFields()).isEqualTo((int) masked);
      assertThat(step.responseBytes()).isEqualTo(total);
      assertThat(step.error()).isEmpty();
    }
  }

  private static long count(String text, String needle) {
    long c = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      c++;
    }
    return c;
  }
}
