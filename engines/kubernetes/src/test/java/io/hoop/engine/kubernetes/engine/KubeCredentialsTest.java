package io.hoop.engine.kubernetes.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.http.config.Credential;
import io.hoop.engine.kubernetes.config.KubeCredential;
import io.hoop.engine.kubernetes.testing.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential files a role names, read when a tunnel opens. */
class KubeCredentialsTest {
  @TempDir Path dir;

  @Test
  void aTokenFileIsItsOnlyLine() throws Exception {
    Path token = Files.writeString(dir.resolve("t"), "abc.def.ghi\n");
    Credential c = KubeCredentials.load(new KubeCredential.TokenFile(token));
    assertThat(c).isEqualTo(new Credential.Bearer("abc.def.ghi"));
    assertThat(c.toString()).doesNotContain("abc");
    Files.writeString(token, "two words\n");
    assertThatThrownBy(() -> KubeCredentials.load(new KubeCredential.TokenFile(token)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("only line")
        .hasMessageNotContaining("two words");
  }

  @Test
  void ecSec1RsaPkcs1AndPkcs8KeysAreRead() throws Exception {
    TestCa ca = TestCa.create(dir);
    Path[] ec = ca.issueClient(dir, "ec", "a", "EC");
    Path[] rsa = ca.issueClient(dir, "rsa", "b", "RSA");
    assertThat(Files.readString(ec[1])).contains("BEGIN EC PRIVATE KEY");
    assertThat(Files.readString(rsa[1])).contains("BEGIN RSA PRIVATE KEY");
    PrivateKey ecKey = KubeCredentials.key(ec[1]);
    PrivateKey rsaKey = KubeCredentials.key(rsa[1]);
    assertThat(ecKey.getAlgorithm()).isEqualTo("EC");
    assertThat(rsaKey.getAlgorithm()).isEqualTo("RSA");
    Path pkcs8 =
        Files.writeString(
            dir.resolve("p8.key"),
            "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ecKey.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    assertThat(KubeCredentials.key(pkcs8).getEncoded()).isEqualTo(ecKey.getEncoded());
    // the converted keys are the same keys: re-encoding round-trips through PKCS#8
    assertThat(
            KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(rsaKey.getEncoded()))
                .getEncoded())
        .isEqualTo(rsaKey.getEncoded());
    Credential c = KubeCredentials.load(new KubeCredential.ClientCertificate(ec[0], ec[1]));
    assertThat(c).isInstanceOf(Credential.ClientCertificate.class);
    assertThat(c.toString())
        .contains("CN=a")
        .doesNotContain(Files.readString(ec[1]).substring(40, 60));
  }

  @Test
  void malformedKeysAreRefusedNamingTheFileNotItsContent() throws Exception {
    String[] bodies = {
      "no pem here",
      "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
      "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n",
      "-----BEGIN EC PRIVATE KEY-----\nMIQAAAAA\n-----END EC PRIVATE KEY-----\n",
      "-----BEGIN RSA PRIVATE KEY-----\nMAA=\n-----END RSA PRIVATE KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n",
      "-----BEGIN PRIVATE KEY-----\nMIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEA\n",
    };
    for (int i = 0; i < bodies.length; i++) {
      Path key = Files.writeString(dir.resolve("bad" + i + ".key"), bodies[i]);
      assertThatThrownBy(() -> KubeCredentials.key(key))
          .as(bodies[i])
          .isInstanceOf(IOException.class)
          .hasMessageContaining(key.toString())
          .hasMessageNotContaining("MIIB");
    }
  }
}
