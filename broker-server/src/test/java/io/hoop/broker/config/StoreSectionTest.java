package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.store.PostgresConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreSectionTest {
  @TempDir Path dir;

  static PostgresConfig store(String yaml) throws ConfigException {
    return ConfigLoader.parse("b.yaml", yaml, true).store().orElseThrow();
  }

  static String error(String yaml) {
    try {
      ConfigLoader.parse("b.yaml", yaml, true);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a config error for " + yaml);
  }

  Path passwordFile(String content, String mode) throws Exception {
    Path p = dir.resolve("pw");
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  @Test
  void absentOrNullMeansTheEmbeddedStore() throws Exception {
    assertThat(ConfigLoader.parse("b.yaml", "listen: 127.0.0.1:0\n", true).store()).isEmpty();
    assertThat(ConfigLoader.parse("b.yaml", "store:\n", true).store()).isEmpty();
  }

  @Test
  void shortFormNamesUserHostPortAndDatabase() throws Exception {
    PostgresConfig pg = store("store: postgresql://hoop@db.internal:6543/broker\n");
    assertThat(pg.host()).isEqualTo("db.internal");
    assertThat(pg.port()).isEqualTo(6543);
    assertThat(pg.database()).isEqualTo("broker");
    assertThat(pg.user()).isEqualTo("hoop");
    assertThat(pg.password()).isNull();
    assertThat(pg.describe()).isEqualTo("postgresql://hoop@db.internal:6543/broker");

    PostgresConfig v6 = store("store: postgres://hoop@[::1]/broker?sslmode=verify-full\n");
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.port()).isEqualTo(5432);
    assertThat(v6.parameters()).isEqualTo(Map.of("sslmode", "verify-full"));
    assertThat(v6.describe()).isEqualTo("postgresql://hoop@[::1]:5432/broker");
  }

  @Test
  void mappingFormReadsThePasswordFileAndNeverShowsThePassword() throws Exception {
    Path pw = passwordFile("s3cret-Pa55\n", "rw-------");
    PostgresConfig pg =
        store(
            "store:\n  url: postgresql://127.0.0.1:5432/hoop\n  user: broker\n  passwordFile: "
                + pw
                + "\n");
    assertThat(pg.user()).isEqualTo("broker");
    assertThat(pg.password()).isEqualTo("s3cret-Pa55");
    assertThat(pg.toString()).doesNotContain("s3cret").contains("password=<redacted>");
    assertThat(ConfigLoader.parse("b.yaml", "store:\n  url: postgresql://u@h/d\n", true).toString())
        .doesNotContain("s3cret");
  }

  @Test
  void aPasswordInTheUrlIsRefusedWithoutEchoingIt() {
    String m = error("store: postgresql://hoop:hunter2@db:5432/hoop\n");
    assertThat(m)
        .startsWith("b.yaml: store: 'postgresql://hoop:<redacted>@db:5432/hoop' carries a password")
        .contains("store.passwordFile")
        .doesNotContain("hunter2");
    assertThat(error("store:\n  url: postgresql://db/hoop?password=hunter2\n  user: u\n"))
        .startsWith("b.yaml: store.url: connection parameter 'password' is not allowed")
        .doesNotContain("hunter2");
  }

  @Test
  void invalidValuesNameTheKey() throws Exception {
    assertThat(error("store: mysql://u@db/hoop\n"))
        .isEqualTo("b.yaml: store: 'mysql://u@db/hoop' is not a postgresql:// URL");
    assertThat(error("store: postgresql://u@db:5432\n"))
        .startsWith("b.yaml: store: 'postgresql://u@db:5432' needs a database name");
    assertThat(error("store: postgresql://db:5432/hoop\n"))
        .startsWith("b.yaml: store: missing user");
    assertThat(error("store: postgresql://u@:5432/hoop\n")).startsWith("b.yaml: store: ");
    assertThat(error("store: [a, b]\n"))
        .startsWith("b.yaml: store: invalid value: expected a postgresql:// URL or a mapping");
    assertThat(error("store:\n  user: u\n")).startsWith("b.yaml: store.url: missing");
    assertThat(error("store:\n  url: postgresql://db/h\n  usr: u\n"))
        .startsWith("b.yaml: store.usr: unknown key");
    assertThat(error("store:\n  url: postgresql://a@db/h\n  user: b\n"))
        .startsWith("b.yaml: store.user: 'b' differs from the user 'a'");
    assertThat(error("store:\n  url: postgresql://db/h?socketFactory=x.Y\n  user: u\n"))
        .startsWith("b.yaml: store.url: connection parameter 'socketFactory' is not allowed");
    assertThat(error("store:\n  url: postgresql://u@db/h\n  passwordFile: " + dir + "/none\n"))
        .isEqualTo("b.yaml: store.passwordFile: " + dir + "/none is not a readable file");
    Path open = passwordFile("pw\n", "rw-r--r--");
    assertThat(error("store:\n  url: postgresql://u@db/h\n  passwordFile: " + open + "\n"))
        .isEqualTo(
            "b.yaml: store.passwordFile: "
                + open
                + " is readable by group or others;"
                + " chmod 600 it");
    Path empty = passwordFile("\n", "rw-------");
    assertThat(error("store:\n  url: postgresql://u@db/h\n  passwordFile: " + empty + "\n"))
        .contains("is empty");
  }

  @Test
  void keyFileIsCheckedAtLoadAndNeverShown() throws Exception {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k');
    Path good = passwordFile(key + "\n", "rw-------");
    PostgresConfig pg = store("store:\n  url: postgresql://u@db/h\n  keyFile: " + good + "\n");
    assertThat(pg.keyFile()).isEqualTo(good);
    assertThat(pg.toString()).contains("keyFile=" + good).doesNotContain(key);
    assertThat(store("store: postgresql://u@db/h\n").keyFile()).isNull();

    assertThat(error("store:\n  url: postgresql://u@db/h\n  keyFile: " + dir + "/none\n"))
        .isEqualTo("b.yaml: store.keyFile: store key " + dir + "/none is not a readable file");
    Path open = passwordFile(key, "rw-r--r--");
    assertThat(error("store:\n  url: postgresql://u@db/h\n  keyFile: " + open + "\n"))
        .contains("store.keyFile:")
        .contains("readable by group or others; chmod 600 it")
        .doesNotContain(key);
    Path weak = passwordFile("hunter2\n", "rw-------");
    assertThat(error("store:\n  url: postgresql://u@db/h\n  keyFile: " + weak + "\n"))
        .contains("must hold 32 random bytes in base64")
        .doesNotContain("hunter2");
    assertThat(error("store:\n  url: postgresql://u@db/h\n  keyFiles: x\n"))
        .contains("unknown key (known keys: keyFile, passwordFile, url, user)");
  }
}
