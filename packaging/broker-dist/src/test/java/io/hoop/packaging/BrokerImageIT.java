package io.hoop.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's container image as jib's buildTar wrote it ({@code target/jib-image.tar}, Docker
 * format): its manifest and config (entrypoint, non-root user, exposed port, data volume), and its
 * files, unpacked here and run: the image has no base but {@code scratch}, so the runtime must
 * start on the C libraries the image carries, and nothing else.
 */
class BrokerImageIT {
  private static final Path IMAGE = Path.of("target", "jib-image.tar");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A tar member: its name (no leading slash), type flag, mode and content. */
  record Entry(String name, char type, int mode, byte[] content, String link) {}

  static Map<String, byte[]> outer;
  static JsonNode config;
  static Map<String, Entry> files = new LinkedHashMap<>();

  @TempDir static Path unpacked;

  /** Reads a tar stream: ustar headers, GNU long names ('L') and PAX path records ('x'). */
  static List<Entry> readTar(InputStream in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    String longName = null;
    while (true) {
      byte[] header = in.readNBytes(512);
      if (header.length < 512 || header[0] == 0) {
        return entries;
      }
      String name = field(header, 0, 100);
      String prefix = field(header, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      int mode = (int) Long.parseLong(field(header, 100, 8).trim(), 8);
      long size = Long.parseLong(field(header, 124, 12).trim(), 8);
      char type = (char) (header[156] == 0 ? '0' : header[156]);
      String link = field(header, 157, 100);
      byte[] content = in.readNBytes((int) size);
      in.readNBytes((int) ((512 - size % 512) % 512));
      if (type == 'L') {
        longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
        continue;
      }
      if (type == 'x') {
        for (String record : new String(content, StandardCharsets.UTF_8).split("\n")) {
          int space = record.indexOf(' ');
          if (space > 0 && record.substring(space + 1).startsWith("path=")) {
            longName = record.substring(space + 1 + "path=".length());
          }
        }
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      name = name.replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", "");
      entries.add(new Entry(name, type, mode, content, link));
    }
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void readImage() throws IOException {
    assertThat(IMAGE).as("jib buildTar's image").isRegularFile();
    try (InputStream in = Files.newInputStream(IMAGE)) {
      outer =
          readTar(in).stream()
              .collect(
                  Collectors.toMap(Entry::name, Entry::content, (a, b) -> b, LinkedHashMap::new));
    }
    JsonNode manifest = JSON.readTree(outer.get("manifest.json"));
    assertThat(manifest.size()).isEqualTo(1);
    config = JSON.readTree(outer.get(manifest.get(0).get("Config").asText()));
    for (JsonNode layer : manifest.get(0).get("Layers")) {
      byte[] gz = outer.get(layer.asText());
      assertThat(gz).as("layer %s in the tar", layer.asText()).isNotNull();
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
        for (Entry entry : readTar(in)) {
          files.put(entry.name(), entry); // a later layer wins, as in a container
        }
      }
    }
  }

  @Test
  void manifestNamesTheImageAndItsConfig() throws IOException {
    JsonNode manifest = JSON.readTree(outer.get("manifest.json"));
    assertThat(manifest.get(0).get("RepoTags").get(0).asText()).startsWith("hoop-broker:");
    assertThat(config.get("architecture").asText()).isEqualTo("amd64");
    assertThat(config.get("os").asText()).isEqualTo("linux");
  }

  @Test
  void runsTheBrokerAsANonRootUserOnItsPortWithADataVolume() {
    JsonNode c = config.get("config");
    List<String> entrypoint = new ArrayList<>();
    c.get("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
    List<String> cmd = new ArrayList<>();
    c.get("Cmd").forEach(a -> cmd.add(a.asText()));
    assertThat(entrypoint)
        .startsWith("/opt/hoop/runtime/bin/java")
        .endsWith("io.hoop.broker.BrokerMain");
    assertThat(cmd)
        .containsExactly(
            "serve", "--config", "/etc/hoop/broker.yaml", "--data-dir", "/var/lib/hoop");
    String user = c.get("User").asText();
    assertThat(user).isEqualTo("65532:65532");
    assertThat(user.split(":")[0]).isNotIn("", "0", "root");
    assertThat(c.get("ExposedPorts").has("8443/tcp")).isTrue();
    assertThat(c.get("ExposedPorts").size()).isEqualTo(1);
    assertThat(c.get("Volumes").has("/var/lib/hoop")).isTrue();
    assertThat(c.get("WorkingDir").asText()).isEqualTo("/var/lib/hoop");
  }

  @Test
  void carriesItsRuntimeLibrariesUserAndAConfigListeningOnTheContainersAddresses() {
    assertThat(files.get("opt/hoop/runtime/bin/java").mode() & 0777).isEqualTo(0755);
    assertThat(files.keySet()).anyMatch(n -> n.matches("app/libs/hoop-broker-server-.*\\.jar"));
    assertThat(files.keySet())
        .anyMatch(n -> n.matches("(lib|lib64|usr/lib)/.*ld-linux.*\\.so\\.\\d"));
    assertThat(files.keySet()).anyMatch(n -> n.matches(".*/libc\\.so\\.6"));
    assertThat(new String(files.get("etc/passwd").content(), StandardCharsets.UTF_8))
        .contains("hoop:x:65532:65532:");
    assertThat(new String(files.get("etc/hoop/broker.yaml").content(), StandardCharsets.UTF_8))
        .contains("\nlisten: 0.0.0.0:8443\n")
        .doesNotContain("\nlisten: 127.0.0.1");
    assertThat(files.get("var/lib/hoop").mode() & 0777).isEqualTo(0777);
    assertThat(files.keySet()).noneMatch(n -> n.startsWith("root/") || n.startsWith("home/"));
  }

  /**
   * The image's files alone, unpacked into a directory and run there as a container engine would:
   * its own root (chroot), PID and mount namespaces with a fresh /proc, a network namespace of its
   * own (so its port 8443 clashes with nothing here), as the image's user, with its entrypoint. The
   * runtime must start on the C libraries the image carries, and the broker must serve. Needs root
   * (chroot, unshare), as CI runs.
   */
  @Test
  void theImagesFilesAloneRunTheBroker() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")), "chroot needs root (CI runs as root)");
    Path root = unpacked.resolve("rootfs");
    for (Entry entry : files.values()) {
      Path path = root.resolve(entry.name());
      switch (entry.type()) {
        case '5' -> Files.createDirectories(path);
        case '2' -> {
          Files.createDirectories(path.getParent());
          Files.createSymbolicLink(path, Path.of(entry.link()));
        }
        case '0' -> {
          Files.createDirectories(path.getParent());
          Files.write(path, entry.content());
        }
        default ->
            throw new AssertionError(
                "unexpected tar entry type " + entry.type() + ": " + entry.name());
      }
      if (entry.type() != '2') {
        Files.setPosixFilePermissions(path, permissions(entry.mode()));
      }
    }
    Files.createDirectories(root.resolve("proc"));
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--fork",
                "--pid",
                "--mount",
                "--net",
                "--mount-proc=" + root.resolve("proc"),
                "chroot",
                "--userspec=" + config.get("config").get("User").asText(),
                root.toString()));
    config.get("config").get("Entrypoint").forEach(a -> command.add(a.asText()));
    List<String> check = new ArrayList<>(command);
    check.addAll(List.of("check-config", "/etc/hoop/broker.yaml"));
    Process checking = new ProcessBuilder(check).redirectErrorStream(true).start();
    String checked = new String(checking.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(checking.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(checked).contains("broker.yaml: ok");
    assertThat(checking.exitValue()).isZero();

    // The image's Cmd, with the dev IdP (no real one here) and a ready file to wait for.
    List<String> serve = new ArrayList<>(command);
    config.get("config").get("Cmd").forEach(a -> serve.add(a.asText()));
    serve.addAll(List.of("--dev", "--ready-file", "/var/lib/hoop/ready.json"));
    Path log = unpacked.resolve("broker.log");
    Process broker =
        new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Path ready = root.resolve("var/lib/hoop/ready.json");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!(Files.isRegularFile(ready) && Files.size(ready) > 0)) {
        assertThat(broker.isAlive())
            .as("the broker in the image exited: %s", Files.readString(log))
            .isTrue();
        assertThat(System.nanoTime())
            .as("the broker's ready file within 120 s")
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      JsonNode readyJson = JSON.readTree(ready.toFile());
      assertThat(readyJson.get("url").asText()).endsWith(":8443");
      assertThat(Files.readString(log)).contains("hoop-broker listening on");
      // Its state went to the volume, written as the image's user.
      assertThat(Files.getOwner(root.resolve("var/lib/hoop/ready.json")).getName())
          .isIn("65532", "nobody", "hoop");
    } finally {
      // As `docker stop`: SIGTERM to the broker, PID 1 of its namespace (unshare ignores
      // SIGTERM while it waits, and its --kill-child does not outlive chroot's change of user),
      // then unshare exits with it. Forcibly only if that did not stop it.
      List<ProcessHandle> inside = broker.descendants().toList();
      inside.forEach(ProcessHandle::destroy);
      if (!broker.waitFor(60, TimeUnit.SECONDS)) {
        inside.forEach(ProcessHandle::destroyForcibly);
        broker.destroyForcibly();
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        throw new AssertionError("the broker in the image did not stop on SIGTERM within 60 s");
      }
    }
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
    StringBuilder s = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; bit--) {
      s.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return java.nio.file.attribute.PosixFilePermissions.fromString(s.toString());
  }
}
