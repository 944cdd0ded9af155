package io.hoop.engine.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzzes the known_hosts parser: its own refusal or a usable key, nothing else. */
class KnownHostsFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void parserRefusesOrParses(FuzzedDataProvider data) {
    boolean structured = data.consumeBoolean();
    String line;
    if (structured) {
      String hosts = data.consumeString(64);
      String type =
          data.pickValue(
              new String[] {
                "ssh-ed25519",
                "ssh-rsa",
                "ecdsa-sha2-nistp256",
                "ecdsa-sha2-nistp384",
                "ecdsa-sha2-nistp521"
              });
      byte[] blob = data.consumeBytes(600);
      line = hosts + " " + type + " " + java.util.Base64.getEncoder().encodeToString(blob);
    } else {
      line = data.consumeRemainingAsString();
    }
    try {
      HostKey k = KnownHostsParser.parse(line, 1);
      assertThat(k.fingerprint()).startsWith("SHA256:");
      k.matches("web-1", 22);
      k.matches("10.0.0.1", 2222);
    } catch (KnownHostsException e) {
      assertThat(e.getMessage()).startsWith("line 1: ");
    }
  }
}
