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
    assertThat(
            ExecCommand.sshCommand(
                "/r/cfg", "-oProxyCommand=x", "relay", java.util.List.of("-v", "ls")))
        .containsExactly(
            "ssh",
            "-F",
            "/r/cfg",
            "-o",
            "BatchMode=yes",
            "-o",
            "ProxyCommand=relay",
            "-o",
            "HostKeyAlias=-oProxyCommand=x",
            "-T",
            "--",
            "-oProxyCommand=x",
            "-v",
            "ls");
  }

  @Test
  void theRefusalLineIsSeenEvenSplitAcrossReads() throws Exception {
    for (int split = 1; split < 40; split++) {
      String line = "out\nhoop: command refused by policy: denied: no\n";
      byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int cut = Math.min(split, bytes.length - 1);
      java.io.InputStream in =
          new java.io.SequenceInputStream(
              new java.io.ByteArrayInputStream(bytes, 0, cut),
              new java.io.ByteArrayInputStream(bytes, cut, bytes.length - cut));
      java.io.StringWriter sink = new java.io.StringWriter();
      StderrRelay relay = new StderrRelay(in, new java.io.PrintWriter(sink));
      relay.run();
      assertThat(relay.sawRefusal()).as("split at %d", cut).isTrue();
      assertThat(sink.toString()).isEqualTo(line);
    }
    StderrRelay plain =
        new StderrRelay(
            new java.io.ByteArrayInputStream("refused by polic\ny".getBytes()),
            new java.io.PrintWriter(new java.io.StringWriter()));
    plain.run();
    assertThat(plain.sawRefusal()).isFalse();
  }

  @Test
  void refusedIsItsOwnCodeInTheHelp() {
    assertThat(ExitCodes.EXEC_REFUSED).isEqualTo(126);
  }
}
