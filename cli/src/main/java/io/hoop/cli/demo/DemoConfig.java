package io.hoop.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the broker configuration for the demo: two dev users, one target, one entitlement. */
final class DemoConfig {
  static final String TARGET = "demo-db";

  private DemoConfig() {}

  /**
   * @param type {@code postgres} or {@code tcp}
   * @param port the target's port on 127.0.0.1
   */
  static String yaml(String type, int port) {
    String description =
        type.equals("postgres")
            ? "throw-away PostgreSQL started by hoop demo"
            : "echo service started by hoop demo";
    return String.join(
        "\n",
        "# Written by hoop demo; deleted with the demo's temp directory.",
        "listen: 127.0.0.1:0",
        "devIdp:",
        "  pollInterval: 1s",
        "  users:",
        "    - username: alice",
        "      email: alice@example.test",
        "      groups: [engineering]",
        "    - username: bob",
        "      email: bob@example.test",
        "      groups: [reviewers]",
        "targets:",
        "  - name: " + TARGET,
        "    type: " + type,
        "    address: 127.0.0.1:" + port,
        "    description: " + description,
        "    maxDuration: 1h",
        "entitlements:",
        "  - group: engineering",
        "    targets: [" + TARGET + "]",
        "    maxDuration: 1h",
        "");
  }

  static Path write(Path dir, String type, int port) throws IOException {
    Path file = dir.resolve("broker.yaml");
    Files.writeString(file, yaml(type, port), StandardCharsets.UTF_8);
    return file;
  }
}
