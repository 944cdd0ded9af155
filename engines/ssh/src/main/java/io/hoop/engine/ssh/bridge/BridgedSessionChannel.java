package io.hoop.engine.ssh.bridge;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;

/**
 * The user's {@code session} channel: pty, window-change and LANG/LC_* env are kept for the target;
 * shell, exec and the sftp subsystem go through the policy hooks and become a {@link
 * BridgedCommand} (or a {@link RefusedCommand}); agent and X11 forwarding are refused.
 */
final class BridgedSessionChannel extends ChannelSession {

  private final Map<String, String> env = new ConcurrentHashMap<>();
  private volatile PtyChannelConfiguration pty;
  private volatile BridgedCommand bridged;

  private BridgeSession bridge() {
    ServerSession session = getServerSession();
    return session == null ? null : session.getAttribute(BridgeSession.KEY);
  }

  @Override
  protected Result handleEnvParsed(String name, String value) throws IOException {
    if ("LANG".equals(name) || name.startsWith("LC_")) {
      env.put(name, value);
      return Result.ReplySuccess;
    }
    return Result.ReplyFailure;
  }

  @Override
  protected Result handlePtyReqParsed(
      String term, int columns, int rows, int width, int height, Map<PtyMode, Integer> modes)
      throws IOException {
    PtyChannelConfiguration c = new PtyChannelConfiguration();
    c.setPtyType(term);
    c.setPtyColumns(columns);
    c.setPtyLines(rows);
    c.setPtyWidth(width);
    c.setPtyHeight(height);
    c.setPtyModes(Map.copyOf(modes));
    pty = c;
    return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
  }

  @Override
  protected Result handleWindowChangeParsed(int columns, int rows, int width, int height)
      throws IOException {
    BridgedCommand b = bridged;
    if (b != null) {
      b.windowChange(columns, rows, width, height);
    }
    return super.handleWindowChangeParsed(columns, rows, width, height);
  }

  @Override
  protected Result handleShellParsed(String request) throws IOException {
    BridgeSession bridge = bridge();
    if (bridge == null) {
      return Result.ReplyFailure;
    }
    Verdict verdict;
    try {
      verdict = bridge.admission().policy().shell().check();
    } catch (RuntimeException e) {
      verdict = Verdict.deny("the shell request could not be checked");
    }
    return start(request, bridge, verdict, BridgedCommand.Kind.SHELL, "", "shell");
  }

  @Override
  protected Result handleExecParsed(String request, String command) throws IOException {
    BridgeSession bridge = bridge();
    if (bridge == null) {
      return Result.ReplyFailure;
    }
    Verdict verdict;
    try {
      verdict = bridge.admission().policy().exec().check(command);
    } catch (RuntimeException e) {
      verdict = Verdict.deny("the command could not be checked");
    }
    return start(request, bridge, verdict, BridgedCommand.Kind.EXEC, command, "command");
  }

  @Override
  protected Result handleSubsystemParsed(String request, String subsystem) throws IOException {
    BridgeSession bridge = bridge();
    if (bridge == null) {
      return Result.ReplyFailure;
    }
    Verdict verdict;
    try {
      verdict =
          "sftp".equals(subsystem)
              ? bridge.admission().policy().sftp().subsystem()
              : Verdict.deny("only the sftp subsystem is bridged");
    } catch (RuntimeException e) {
      verdict = Verdict.deny("the subsystem request could not be checked");
    }
    return start(request, bridge, verdict, BridgedCommand.Kind.SUBSYSTEM, subsystem, "subsystem");
  }

  private Result start(
      String request,
      BridgeSession bridge,
      Verdict verdict,
      BridgedCommand.Kind kind,
      String detail,
      String what) {
    Verdict v = verdict;
    if (v.outcome() == Verdict.Outcome.REVIEW && kind != BridgedCommand.Kind.EXEC) {
      v = Verdict.deny(v.reason() + "; only exec commands can wait for review, so it is refused");
    }
    if (v.outcome() == Verdict.Outcome.DENY) {
      bridge.emit(
          new BridgeEvent.Denied(
              bridge.sessionKey(),
              kind.name().toLowerCase(java.util.Locale.ROOT),
              detail,
              v.reason()));
      commandInstance = new RefusedCommand("hoop: " + what + " refused by policy: " + v.reason());
    } else {
      BridgedCommand b =
          new BridgedCommand(
              bridge,
              this,
              kind,
              detail,
              pty,
              env,
              v.outcome() == Verdict.Outcome.REVIEW ? v : null);
      bridged = b;
      commandInstance = b;
      if (b.uplink() != null) {
        // set before the command is prepared: the channel then feeds it instead of an async input
        // stream, with any data that arrived before this request
        setDataReceiver(b.uplink());
      }
    }
    try {
      return prepareChannelCommand(request, commandInstance);
    } catch (IOException e) {
      return Result.ReplyFailure;
    }
  }

  @Override
  protected Result handleAgentForwardingParsed(String requestType) throws IOException {
    refused("agent-forwarding", requestType, "agent forwarding is never bridged");
    return Result.ReplyFailure;
  }

  @Override
  protected Result handleX11ForwardingParsed(
      String requestType,
      ServerSession session,
      boolean singleConnection,
      String authProtocol,
      String authCookie,
      int screenId)
      throws IOException {
    refused("x11-forwarding", requestType, "X11 forwarding is never bridged");
    return Result.ReplyFailure;
  }

  private void refused(String kind, String detail, String reason) {
    BridgeSession bridge = bridge();
    if (bridge != null) {
      bridge.emit(new BridgeEvent.Denied(bridge.sessionKey(), kind, detail, reason));
    }
  }

  /** Sends {@code exit-signal} (RFC 4254 6.10) as the target reported it. */
  void sendExitSignal(String signal) {
    try {
      Buffer buffer =
          getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, signal.length() + 64);
      buffer.putUInt(getRecipient());
      buffer.putString("exit-signal");
      buffer.putBoolean(false);
      buffer.putString(signal);
      buffer.putBoolean(false);
      buffer.putString("");
      buffer.putString("");
      writePacket(buffer);
      sendEof();
    } catch (IOException | RuntimeException e) {
      close(true);
    }
  }
}
