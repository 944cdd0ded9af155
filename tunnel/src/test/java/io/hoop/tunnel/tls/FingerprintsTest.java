package io.hoop.tunnel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.tunnel.testing.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintsTest {
  private static final String CANONICAL =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

  @ParameterizedTest
  @ValueSource(
      strings = {
        CANONICAL,
        "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89",
        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
        "sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
        "SHA256:" + CANONICAL,
        "  " + CANONICAL + "\n"
      })
  void normalizeAcceptsLenientForms(String input) {
    assertThat(Fingerprints.normalize(input)).isEqualTo(CANONICAL);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "AB:CD",
        "sha1:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
        "ZZcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678900"
      })
  void normalizeRejectsOthersNamingTheValue(String input) {
    assertThatThrownBy(() -> Fingerprints.normalize(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + input + "'")
        .hasMessageContaining("32 bytes of hex");
  }

  @Test
  void sha256MatchesOpensslFormat(@TempDir Path dir) throws Exception {
    TestCerts certs = TestCerts.selfSigned(dir, "localhost");
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(certs.certificate().getEncoded());
    StringBuilder expected = new StringBuilder();
    for (byte b : digest) {
      expected.append(expected.length() == 0 ? "" : ":").append(String.format("%02X", b));
    }
    assertThat(Fingerprints.sha256(certs.certificate())).isEqualTo(expected.toString());
    assertThat(Fingerprints.sha256(certs.certificate())).isEqualTo(openssl(certs.certPem()));
  }

  /** What {@code openssl x509 -noout -fingerprint -sha256} prints, after the '='. */
  private static String openssl(Path pem) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                "openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", pem.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(process.waitFor()).as(out).isZero();
    return out.substring(out.indexOf('=') + 1).strip().toUpperCase(Locale.ROOT);
  }
}
