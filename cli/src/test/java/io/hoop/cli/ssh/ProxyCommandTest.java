package io.hoop.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProxyCommandTest {
  @Test
  void plainPathsStayBareAndTheRelayRunsWithShortLivedJvmOptions() {
    assertThat(
            ProxyCommand.of(
                Path.of("/usr/lib/jvm/bin/java"),
                Path.of("/opt/hoop/lib/hoop-cli.jar"),
                Path.of("/run/user/1000/hoop-ssh-abcd1234/tunnel.sock")))
        .isEqualTo(
            "/usr/lib/jvm/bin/java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                + " -Xmx32m -XX:-UsePerfData -cp /opt/hoop/lib/hoop-cli.jar"
                + " io.hoop.cli.ssh.ProxyRelay /run/user/1000/hoop-ssh-abcd1234/tunnel.sock");
  }

  @Test
  void shellCharactersAreQuotedAndPercentIsDoubledForSsh() {
    String cmd =
        ProxyCommand.of(
            Path.of("/opt/my jdk/bin/java"),
            Path.of("/home/o'neil/100%/$(reboot)`id`;x.jar"),
            Path.of("/tmp/%h %p/tunnel.sock"));
    assertThat(cmd)
        .startsWith("'/opt/my jdk/bin/java' ")
        .contains(" -cp '/home/o'\\''neil/100%%/$(reboot)`id`;x.jar' ")
        .endsWith(" '/tmp/%%h %%p/tunnel.sock'");
  }

  @Test
  void lineBreaksInAPathAreRefused() {
    assertThatThrownBy(
            () -> ProxyCommand.of(Path.of("/j"), Path.of("/a\nProxyCommand evil"), Path.of("/s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line break");
  }

  @Test
  void theRelayComesFromWhereHoopIsLoaded() {
    assertThat(ProxyCommand.relayClassPath()).exists();
  }
}
