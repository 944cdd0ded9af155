package io.hoop.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerException;
import org.junit.jupiter.api.Test;

class ExecExitTest {
  @Test
  void theRemoteStatusPassesThrough() {
    for (int s = 0; s <= 254; s++) {
      assertThat(ExecExit.ofSsh(s)).isEqualTo(s);
    }
    // ssh's own failures (and a remote command killed by a signal) are 255 already.
    assertThat(ExecExit.ofSsh(255)).isEqualTo(255);
    assertThat(ExecExit.ofSsh(-1)).isEqualTo(255);
    assertThat(ExecExit.ofSsh(256)).isEqualTo(255);
  }

  @Test
  void everyOwnFailureIs255AndSaysWhichKind() {
    Object[][] cases = {
      {new HoopException.Denied("policy says no"), "denied"},
      {new HoopException.Pending("needs approval"), "pending approval"},
      {new HoopException.GrantEnded("grant g-1 expired"), "grant ended"},
      {new HoopException.NotLoggedIn("session expired; run hoop login"), "not logged in"},
      {new HoopException.Usage("bad --task"), "usage"},
      {new HoopException("broker unreachable"), "error"},
      {new BrokerException(403, null), "denied"},
      {new IllegalStateException("bug"), "error"},
    };
    for (Object[] c : cases) {
      Throwable t = (Throwable) c[0];
      HoopException.ExecFailed f = ExecExit.failed(t);
      assertThat(ExitCodes.of(f)).as(t.toString()).isEqualTo(255);
      assertThat(f.getMessage()).endsWith("[hoop exec: " + c[1] + ", exit 255]");
      assertThat(ExecExit.failed(f)).isSameAs(f);
    }
  }

  @Test
  void theCommandCannotBecomeAnSshOption() {
    assertThat(ExecCommand.sshCommand("/r/cfg", "-oProxyCommand=x", java.util.List.of("-v", "ls")))
        .containsExactly(
            "ssh",
            "-F",
            "/r/cfg",
            "-o",
            "BatchMode=yes",
            "-T",
            "--",
            "-oProxyCommand=x",
            "-v",
            "ls");
  }
}
