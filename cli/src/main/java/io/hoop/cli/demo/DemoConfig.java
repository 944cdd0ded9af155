package io.hoop.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the broker configuration for the demo: two dev users, one target, one entitlement. */
final class DemoConfig {
  static final String TARGET = "demo-db";

  private DemoConfig() {}

  /**
   * The PostgreSQL target runs through the broker's postgres engine: the broker logs in as {@code
   * app_ro} with the password from {@code passwordFile}, applies the guardrails and masks results.
   */
  static String postgres(int port, Path passwordFile) {
    return yaml(
        "postgres",
        port,
        "throw-away PostgreSQL started by hoop demo",
        List.of(
            "    postgres:",
            "      database: " + DemoDatabase.DATABASE,
            "      defaultRole: readonly",
            "      roles:",
            "        readonly: {user: "
                + DemoDatabase.ROLE
                + ", passwordFile: \""
                + passwordFile
                + "\"}",
            "      guardrails:",
            "        default:",
            "          denyStatements: [DROP, TRUNCATE, ALTER SYSTEM, COPY PROGRAM, CREATE EXTENSION]",
            "          denyFunctions: [pg_read_file, lo_export, dblink*]",
            "          requireWhere: true",
            "      masking:",
            "        columns:",
            "          - {column: public.customers.ssn, style: redact}",
            "        detectors: [email, card]",
            "        detectorStyle: partial"));
  }

  /** The echo service, relayed byte for byte. */
  static String tcp(int port) {
    return yaml("tcp", port, "echo service started by hoop demo", List.of());
  }

  private static String yaml(String type, int port, String description, List<String> extra) {
    List<String> lines = new ArrayList<>();
    lines.addAll(
        List.of(
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
            "    maxDuration: 1h"));
    lines.addAll(extra);
    lines.addAll(
        List.of(
            "entitlements:",
            "  - group: engineering",
            "    targets: [" + TARGET + "]",
            "    maxDuration: 1h",
            ""));
    return String.join("\n", lines);
  }

  static Path write(Path dir, String yaml) throws IOException {
    Path file = dir.resolve("broker.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }
}
