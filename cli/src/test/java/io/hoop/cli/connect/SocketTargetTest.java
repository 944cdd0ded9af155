package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.TargetConnection;
import io.hoop.cli.HoopException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SocketTargetTest {
  @Test
  void sshTargetsGetNoUnixSocketBecauseOpenSshCannotUseOne() {
    TargetConnection ssh =
        new TargetConnection(
            "web-1", "ssh", "ssh", null, List.of("ops"), "ops", "ssh-ed25519 AAAA", "deploy");
    assertThatThrownBy(() -> SocketTarget.requireSuits(ssh, 0, new PrintWriter(new StringWriter())))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("web-1 is an ssh target")
        .hasMessageContaining("drop --unix-socket");
  }
}
