package io.hoop.engine.ssh.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;

/**
 * A refused shell/exec/subsystem: one line on the user's stderr, then exit status {@link
 * SshBridge#REFUSED_EXIT_STATUS} (126). Chosen over a channel-request failure because OpenSSH shows
 * a failure only as "exec request failed on channel 0", without the reason; a line plus a status is
 * what a script or scp wrapper reads as a failed command, and 126 tells it from the command's own
 * exit 1.
 */
final class RefusedCommand implements AsyncCommand {

  static final int EXIT_STATUS = SshBridge.REFUSED_EXIT_STATUS;

  private final String message;
  private IoOutputStream err;
  private ExitCallback exit;

  RefusedCommand(String message) {
    this.message = message;
  }

  @Override
  public void setIoInputStream(IoInputStream in) {}

  @Override
  public void setIoOutputStream(IoOutputStream out) {}

  @Override
  public void setIoErrorStream(IoOutputStream err) {
    this.err = err;
  }

  @Override
  public void setInputStream(InputStream in) {}

  @Override
  public void setOutputStream(OutputStream out) {}

  @Override
  public void setErrorStream(OutputStream err) {}

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }

  @Override
  public void start(ChannelSession channel, Environment env) {
    try {
      err.writeBuffer(BridgedCommand.line(message))
          .addListener(f -> exit.onExit(EXIT_STATUS, message));
    } catch (IOException | RuntimeException e) {
      exit.onExit(EXIT_STATUS, message);
    }
  }

  @Override
  public void destroy(ChannelSession channel) {}
}
