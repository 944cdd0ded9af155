package io.hoop.engine.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lines made by OpenSSH's ssh-keygen (fingerprints from ssh-keygen -lf). */
class KnownHostsParserTest {
  static final String ED25519 =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR";
  static final String ECDSA256 =
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDsVI6JeaZyPMJV/DIZvcYKp/DNwOI4YayPjI5dN1+z+Bnwonccn/2Nw8KjsIJfEc3YmktBaz0YNJGkkVzg8GEU=";
  static final String ECDSA384 =
      "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBOSaM8Npg5Wnz8PQTGWrurdAC85ReSYS5RUb6S006EAbm3b4ozSbatellen1wIQI9F75Zfgw+ENCpXG18vut7xjC3G9HWAEC2bTg4WVTPbz0naKKHQRRiKSPNcyYEV6qsg==";
  static final String ECDSA521 =
      "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAAcPp7Sa0kEDMHK+abhnq0BNm+mlxUxKntPUkdmx1yjju4sYO4QEu48RhyKzyYhpqxljms74Rlf5T6BXeZ1ERbvQQGP8INwFk3aA9mrjk5Xatu6ppEbhJ5rFh6qdjFtZnDtPYbYl4NLqkRzn2l/B78gM48iKsTT1TfJ/FALwrYWgWNUZA==";
  static final String RSA3072 =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCvTYcy32BfnTalK8UUjujrdS9iafbAWCtPoW03XQT0ihwQKnhxbLNpLNhK2p/mZcyKwK1JQS5vUkOiNlitoKC/+jFcaYvVKnxeV734Zs3XIG2z9RzN9KRk6OEVY9fU9KQw0/U+09xWR/R/yNYwtwLqn4vWddlgF2bJM1tHHrlFXuQMlJEUYuCNKAxlcl9fRwsVfqCb7UdduCgF8xTEH3UkgN2HCao3ScAm2AuY29ouXJ1wVEhBBRd+X5XqszM3JwtMgiIW9Am8G8WXpq5yBn1pSxXRD3VJz2SdvjywbVaWqtWRK/+78WP6QQHQ8DsPFmdrrsEWQxe+Lh1mUiSlRQoxZjqzZRRnbXdSpcRSONMCJQVeQ7YeQoLWcguJHknOLW00d943mHcenwSJkIBMxKLe87II/xzvl3mRTREtRNTP2cPZTOblBYDkzNDS37nmUPQ2vfNYeUyfR7PX+D91MVTS5fd4MZAAR5mQu9TDmZJlqgSvW3xL1Q0ONXXIRWTgUcM=";
  static final String RSA1024 =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDAxA8FTldEdngDfclz4EX0FBYm9x7ZJeHwqZ7dc5xYTGYRD26gYwbGHvswcCHDgVwYJAz9Tu+0+rYS4JAa/4FOrqDGixS+LU9XN2lMOZSXPYaxp+IzDE/DgGaETumdoxbABMM/TsWrKirSZAYa7/RizPrpTTyxvuSZHXkk5YB0XQ==";

  /** ssh-keygen -H of "[10.0.0.5]:2222 " + ED25519. */
  static final String HASHED =
      "|1|U54I+KNV+pw3+SiCVN+CTTCxejQ=|+JuP5E29W3+2cOYhYAypirBuKsU= " + ED25519;

  @Test
  void parsesEveryAcceptedKeyTypeWithOpenSshFingerprints() throws Exception {
    HostKey ed = KnownHostsParser.parse("web-1 " + ED25519 + " test-ed25519", 1);
    assertThat(ed.publicKey()).isInstanceOf(EdECPublicKey.class);
    assertThat(ed.fingerprint()).isEqualTo("SHA256:kWlcZGdorYiPFx+1E4wN9vHHgMZi8ZM752hW+L/Xmkc");
    assertThat(ed.comment()).isEqualTo("test-ed25519");
    HostKey ec = KnownHostsParser.parse("web-1 " + ECDSA256, 1);
    assertThat(ec.publicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(ec.fingerprint()).isEqualTo("SHA256:WhUvfDWawFnscbQeAxbgIv9LcJHrUqKOi2aRwM+PzrI");
    assertThat(KnownHostsParser.parse("h " + ECDSA384, 1).publicKey())
        .isInstanceOf(ECPublicKey.class);
    assertThat(KnownHostsParser.parse("h " + ECDSA521, 1).publicKey())
        .isInstanceOf(ECPublicKey.class);
    HostKey rsa = KnownHostsParser.parse("h " + RSA3072 + " a comment with spaces", 1);
    assertThat(((RSAPublicKey) rsa.publicKey()).getModulus().bitLength()).isEqualTo(3072);
    assertThat(rsa.fingerprint()).isEqualTo("SHA256:5hU734siqJ5iMu3mtdib9T3uoo32ufMcg2NNoXS9eTA");
    assertThat(rsa.comment()).isEqualTo("a comment with spaces");
    assertThat(rsa.sameKey(Base64.getDecoder().decode(RSA3072.split(" ")[1]))).isTrue();
    assertThat(rsa.sameKey(ed.blob())).isFalse();
  }

  @Test
  void hostPatternsMatchLikeOpenSsh() throws Exception {
    HostKey k = KnownHostsParser.parse("web-1,10.0.0.5,[10.0.0.5]:2222 " + ED25519, 1);
    assertThat(k.matches("web-1", 22)).isTrue();
    assertThat(k.matches("WEB-1", 22)).isTrue();
    assertThat(k.matches("10.0.0.5", 22)).isTrue();
    assertThat(k.matches("10.0.0.5", 2222)).isTrue();
    assertThat(k.matches("web-1", 2222)).isFalse();
    assertThat(k.matches("web-2", 22)).isFalse();
    HostKey wild = KnownHostsParser.parse("*.example.com,!bad.example.com " + ED25519, 1);
    assertThat(wild.matches("a.example.com", 22)).isTrue();
    assertThat(wild.matches("bad.example.com", 22)).isFalse();
    HostKey hashed = KnownHostsParser.parse(HASHED, 1);
    assertThat(hashed.matches("10.0.0.5", 2222)).isTrue();
    assertThat(hashed.matches("10.0.0.5", 22)).isFalse();
    assertThat(hashed.matches("10.0.0.6", 2222)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "web-1",
        "web-1 ssh-ed25519",
        "web-1 ssh-dss AAAAB3NzaC1kc3MAAACBAP",
        "web-1 ssh-ed25519 not*base64",
        "web-1 ssh-ed25519 AAAA",
        "web-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL",
        "web-1 ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "@revoked * ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "|1|abc|def ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "|2|U54I+KNV+pw3+SiCVN+CTTCxejQ=|+JuP5E29W3+2cOYhYAypirBuKsU= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "[web-1]:99999 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "[web-1] ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "web-1,,x ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
        "web-1\u0000 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILJ5YJxvVZYKxzxoVoTz8qa8HJDPrOcHVW3hokhUakFR",
      })
  void malformedLinesAreRefusedWithTheLineNumber(String line) {
    assertThatThrownBy(() -> KnownHostsParser.parse(line, 7))
        .isInstanceOf(KnownHostsException.class)
        .hasMessageStartingWith("line 7: ");
  }

  @Test
  void weakOrBrokenKeysAreRefused() {
    assertThatThrownBy(() -> KnownHostsParser.parse("h " + RSA1024, 3))
        .hasMessage("line 3: the RSA key has 1024 bits; at least 2048");
    byte[] blob = Base64.getDecoder().decode(ECDSA256.split(" ")[1]);
    blob[blob.length - 1] ^= 1; // off the curve
    String offCurve = "h ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(blob);
    assertThatThrownBy(() -> KnownHostsParser.parse(offCurve, 1))
        .hasMessageContaining("not on secp256r1");
    byte[] ed = Base64.getDecoder().decode(ED25519.split(" ")[1]);
    byte[] trailing = java.util.Arrays.copyOf(ed, ed.length + 1);
    String extra = "h ssh-ed25519 " + Base64.getEncoder().encodeToString(trailing);
    assertThatThrownBy(() -> KnownHostsParser.parse(extra, 1))
        .hasMessageContaining("1 bytes after the key");
  }

  @Test
  void parseAllNumbersLines() {
    assertThatThrownBy(() -> KnownHostsParser.parseAll(List.of("h " + ED25519, "h junk")))
        .hasMessageStartingWith("line 2: ");
  }
}
