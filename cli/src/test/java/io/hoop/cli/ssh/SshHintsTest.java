package io.hoop.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshHintsTest {
  @TempDir Path tmp;

  @Test
  void readyLinesEnvironmentAndJsonNameTheSameFiles() {
    try (SshFiles f =
        SshFiles.write(
            EphemeralKey.generate(),
            "web-1",
            SshFilesTest.HOST_KEY,
            "deploy",
            40022,
            Map.of("XDG_RUNTIME_DIR", tmp.toString()))) {
      List<String> lines = SshHints.lines(f);
      String opts =
          " -i "
              + f.identity()
              + " -o UserKnownHostsFile="
              + f.knownHosts()
              + " -o IdentitiesOnly=yes ";
      assertThat(lines)
          .contains(
              "  ssh -p 40022" + opts + "deploy@127.0.0.1",
              "  scp -P 40022" + opts + "FILE deploy@127.0.0.1:/tmp/",
              "  sftp -P 40022" + opts + "deploy@127.0.0.1",
              "    Host web-1");
      Map<String, String> env = SshHints.environment(f);
      assertThat(env)
          .containsEntry("HOOP_SSH_PORT", "40022")
          .containsEntry("HOOP_SSH_HOST", "web-1")
          .containsEntry("HOOP_SSH_KEY", f.identity().toString())
          .containsEntry("HOOP_SSH_KNOWN_HOSTS", f.knownHosts().toString())
          .containsEntry("HOOP_SSH_CONFIG", f.config().toString())
          .containsEntry("GIT_SSH_COMMAND", "ssh -F " + f.config());
      assertThat(SshHints.VARIABLES).containsAll(env.keySet());
      assertThat(SshHints.json(f))
          .containsEntry("key", f.identity().toString())
          .containsKey("hostBlock");
    }
  }

  @Test
  void sshScpAndSftpGetTheConfigFileOthersRunAsGiven() {
    Path cfg = Path.of("/run/x/ssh_config");
    assertThat(SshHints.command(List.of("ssh", "web-1", "uptime"), cfg))
        .containsExactly("ssh", "-F", "/run/x/ssh_config", "web-1", "uptime");
    assertThat(SshHints.command(List.of("/usr/bin/scp", "f", "web-1:/tmp/"), cfg))
        .containsExactly("/usr/bin/scp", "-F", "/run/x/ssh_config", "f", "web-1:/tmp/");
    assertThat(SshHints.command(List.of("sftp", "web-1"), cfg)).startsWith("sftp", "-F");
    assertThat(SshHints.command(List.of("git", "clone", "web-1:/r"), cfg))
        .containsExactly("git", "clone", "web-1:/r");
    assertThat(SshHints.command(List.of("sshfs", "web-1:/", "m"), cfg))
        .startsWith("sshfs", "web-1:/");
  }
}
