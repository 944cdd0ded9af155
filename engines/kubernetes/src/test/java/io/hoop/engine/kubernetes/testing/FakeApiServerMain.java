package io.hoop.engine.kubernetes.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * {@link FakeApiServer} as a process of its own, for a test that runs it where the test's JVM is
 * not (inside a network namespace, through {@code ip netns exec}). Arguments: a directory (its CA
 * is made there; {@code ca.pem} is the CA file to pin), the address and port to listen on, and the
 * bearer token requests must carry. Serves a pod {@code default/web} and a secret {@code
 * default/db} whose {@code password} is {@code args[4]}. Writes {@code ready} in the directory once
 * it listens, then serves until stopped (SIGTERM closes it and removes its files).
 */
public final class FakeApiServerMain {
  private FakeApiServerMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    TestCa ca = TestCa.create(dir);
    FakeApiServer api =
        new FakeApiServer(ca, args[3], new InetSocketAddress(args[1], Integer.parseInt(args[2])));
    api.put("default", "pods", "web", Map.of());
    api.put(
        "default",
        "secrets",
        "db",
        Map.of(
            "data",
            Map.of(
                "password",
                Base64.getEncoder().encodeToString(args[4].getBytes(StandardCharsets.UTF_8)))));
    Runtime.getRuntime().addShutdownHook(new Thread(api::close, "fake-api-stop"));
    Files.copy(ca.caFile(), dir.resolve("ca.pem"));
    Files.writeString(dir.resolve("ready"), api.address().toString());
    Thread.currentThread().join();
  }
}
