package io.hoop.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreKeyTest {
  @TempDir Path dir;

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private Path file(String content, String mode) throws IOException {
    Path f = dir.resolve("store.key");
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void sealsAndOpensAndNeverShowsTheKey() throws Exception {
    byte[] raw = random(32);
    StoreKey key = StoreKey.read(file(Base64.getEncoder().encodeToString(raw) + "\n", "rw-------"));
    byte[] secret = "{\"kty\":\"EC\",\"d\":\"private\"}".getBytes(StandardCharsets.UTF_8);
    String sealed = key.seal("keys/signing.jwk", secret);
    assertThat(sealed).doesNotContain("kty").doesNotContain("private");
    assertThat(key.open("keys/signing.jwk", sealed)).isEqualTo(secret);
    // A fresh nonce every time: the same key sealed twice differs.
    assertThat(key.seal("keys/signing.jwk", secret)).isNotEqualTo(sealed);
    assertThat(key.toString()).isEqualTo("StoreKey[<redacted>]");
    assertThat(key.toString()).doesNotContain(Base64.getEncoder().encodeToString(raw));
  }

  @Test
  void aRowMovedToAnotherNameAlteredOrSealedUnderAnotherKeyDoesNotOpen() throws Exception {
    StoreKey key = StoreKey.of(random(32));
    String sealed = key.seal("keys/audit.jwk", new byte[] {1, 2, 3});
    // Swapped names: the audit key's row presented as the TLS key's.
    assertThatThrownBy(() -> key.open("tls/broker.key", sealed))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not open with this broker's store.keyFile");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    for (int i = 0; i < bytes.length; i++) {
      byte[] flipped = bytes.clone();
      flipped[i] ^= 1;
      String altered = Base64.getEncoder().encodeToString(flipped);
      assertThatThrownBy(() -> key.open("keys/audit.jwk", altered)).isInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> StoreKey.of(random(32)).open("keys/audit.jwk", sealed))
        .hasMessageContaining("the replicas must share one store key");
    for (String junk : new String[] {"", "AAAA", "not base64 at all!", "A".repeat(10_000)}) {
      assertThatThrownBy(() -> key.open("keys/audit.jwk", junk)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aKeyFileThatIsNotAPrivate32ByteKeyIsRefusedWithWhatToDo() throws Exception {
    String good = Base64.getEncoder().encodeToString(random(32));
    assertThatThrownBy(() -> StoreKey.read(file(good, "rw-r--r--")))
        .hasMessageContaining("readable by group or others; chmod 600 it");
    for (String bad :
        new String[] {
          "", "short", Base64.getEncoder().encodeToString(random(16)), good + good, "é".repeat(40)
        }) {
      assertThatThrownBy(() -> StoreKey.read(file(bad, "rw-------")))
          .as(bad)
          .hasMessageContaining("must hold 32 random bytes in base64")
          .hasMessageContaining("openssl rand -base64 32")
          .hasMessageNotContaining(bad.isEmpty() ? "\u0000" : bad);
    }
    assertThatThrownBy(() -> StoreKey.read(file("A".repeat(5000), "rw-------")))
        .hasMessageContaining("larger than");
    assertThatThrownBy(() -> StoreKey.read(dir.resolve("missing")))
        .hasMessageContaining("is not a readable file");
  }
}
