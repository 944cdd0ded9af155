package io.hoop.engine.ssh.bridge;

import io.hoop.tunnel.engine.Holds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.BufferedIoOutputStream;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shell, exec or subsystem request of the user, carried out by the same request on a channel to
 * the target; the user's data goes to the target through an {@link Uplink} (through a {@link
 * SftpGate} when sftp operations are checked), the target's output comes back through {@link
 * Pump}s; exit status or signal passed back.
 */
final class BridgedCommand implements AsyncCommand {

  enum Kind {
    SHELL,
    EXEC,
    SUBSYSTEM
  }

  private static final Logger LOG = LoggerFactory.getLogger(BridgedCommand.class);

  private final BridgeSession bridge;
  private final BridgedSessionChannel channel;
  private final Kind kind;
  private final String detail;
  private final PtyChannelConfiguration pty;
  private final Map<String, String> env;
  private final AtomicBoolean finished = new AtomicBoolean();
  // the last notice written to the user's stderr: the channel ends only once it is out (a goodbye
  // queued behind a slow write would be lost when the channel closes)
  private volatile IoWriteFuture lastNotice;
  private volatile boolean destroyed;
  // stdout EOF, stderr EOF, target channel closed
  private final AtomicInteger pending = new AtomicInteger(3);
  private IoInputStream userIn;
  private IoOutputStream userOut;
  private IoOutputStream userErr;
  private ExitCallback exit;
  private volatile ClientChannel targetChannel;
  // null when sftp operations are checked: the gate reads the user's stream itself
  private final Uplink uplink;
  private volatile Pump fromTargetOut;
  private volatile Pump fromTargetErr;
  private volatile SftpObserver sftp;
  private volatile SftpGate gate;
  // a review verdict: the command waits for a reviewer before anything reaches the target
  private final Verdict review;
  private volatile Holds.Hold hold;
  private final AtomicBoolean holdEnded = new AtomicBoolean();

  BridgedCommand(
      BridgeSession bridge,
      BridgedSessionChannel channel,
      Kind kind,
      String detail,
      PtyChannelConfiguration pty,
      Map<String, String> env,
      Verdict review) {
    this.bridge = bridge;
    this.channel = channel;
    this.kind = kind;
    this.detail = detail;
    this.pty = pty;
    this.env = Map.copyOf(env);
    this.review = review;
    this.uplink =
        kind == Kind.SUBSYSTEM
                && "sftp".equals(detail)
                && bridge.admission().policy().sftp().checksOperations()
            ? null
            : new Uplink();
  }

  /**
   * The receiver of the user's channel data when the bridge forwards it directly, to install on the
   * channel before the command is prepared; null when the command reads the user's stream.
   */
  Uplink uplink() {
    return uplink;
  }

  @Override
  public void setIoInputStream(IoInputStream in) {
    this.userIn = in;
  }

  @Override
  public void setIoOutputStream(IoOutputStream out) {
    this.userOut = out;
  }

  @Override
  public void setIoErrorStream(IoOutputStream err) {
    // queued: the bridge's own lines (hold notices, warnings, goodbyes) and the target's stderr
    // may be written at the same time, and the channel's stream takes one write at a time
    this.userErr =
        new BufferedIoOutputStream("hoop-stderr", 0, err, 1 << 20, Duration.ofSeconds(30));
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
  public void start(ChannelSession session, Environment environment) {
    bridge.register(this);
    if (review != null) {
      hold();
      return;
    }
    runOnTarget();
  }

  private void runOnTarget() {
    bridge
        .target()
        .whenComplete(
            (target, failure) -> {
              if (failure != null) {
                refuse(messageOf(failure), 255);
              } else {
                openOnTarget(target);
              }
            });
  }

  /**
   * Sends the command to review: recorded off the I/O threads (the store may block), the notice on
   * the user's stderr, then the decision composed on its stage; nothing is opened on the target
   * until it is an approval.
   */
  private void hold() {
    Holds.HoldRequest request = new Holds.HoldRequest(kindName(), detail, review.rule());
    CompletableFuture.supplyAsync(() -> bridge.admission().holds().hold(request), bridge.blocking())
        .thenCompose(stage -> stage)
        .whenComplete(
            (h, failure) -> {
              if (failure != null) {
                String why = messageOf(failure);
                holdRefused(
                    "",
                    "hoop",
                    "hoop: command refused: it needs review ("
                        + review.reason()
                        + ") but cannot be held: "
                        + why);
                return;
              }
              hold = h;
              if (holdEnded.get()) {
                // the session ended while the hold was being recorded
                h.cancel();
                return;
              }
              if (destroyed) {
                holdRefused(h.id(), "user", "cancelled: the client closed the channel");
                h.cancel();
                return;
              }
              bridge.emit(
                  new BridgeEvent.Held(
                      bridge.sessionKey(), channelId(), kindName(), detail, review.rule(), h.id()));
              write(h.notice());
              h.decision().whenComplete((d, f) -> decided(h, d, f));
            });
  }

  private void decided(Holds.Hold h, Holds.Decision decision, Throwable failure) {
    Holds.Decision d =
        failure != null ? new Holds.Decision(false, "hoop", "the broker stopped") : decision;
    if (destroyed) {
      holdRefused(h.id(), "user", "cancelled: the client closed the channel");
      return;
    }
    if (!d.approved()) {
      holdRefused(
          h.id(),
          d.by(),
          "hoop: command refused: hold "
              + h.id()
              + " ("
              + review.rule()
              + ") was not approved by "
              + d.by()
              + ": "
              + d.reason());
      return;
    }
    if (!holdEnded.compareAndSet(false, true)) {
      return;
    }
    bridge.emit(
        new BridgeEvent.HoldApproved(
            bridge.sessionKey(), channelId(), kindName(), detail, h.id(), d.by()));
    write("hoop: hold " + h.id() + " approved by " + d.by() + "; running the command");
    runOnTarget();
  }

  /** Ends a held command that will not run: recorded, then refused on the user's channel. */
  private void holdRefused(String holdId, String by, String message) {
    if (!holdEnded.compareAndSet(false, true)) {
      return;
    }
    bridge.emit(
        new BridgeEvent.HoldRefused(
            bridge.sessionKey(), channelId(), kindName(), detail, holdId, by, message));
    refuse(message, SshBridge.REFUSED_EXIT_STATUS);
  }

  /**
   * The session ends (expiry, revoke, target gone): a command still waiting for review is refused
   * and its hold cancelled.
   */
  void sessionEnding(String message) {
    if (review == null || holdEnded.get()) {
      return;
    }
    Holds.Hold h = hold;
    // recorded first: the cancel may complete the decision (as "cancelled") on this thread
    holdRefused(h == null ? "" : h.id(), "hoop", message + " (the command waited for review)");
    if (h != null) {
      h.cancel();
    }
  }

  private void write(String text) {
    try {
      userErr.writeBuffer(line(text));
    } catch (IOException | RuntimeException e) {
      LOG.debug("bridge.notice.failed session={}", bridge.sessionKey());
    }
  }

  private void openOnTarget(ClientSession target) {
    try {
      ClientChannel c =
          switch (kind) {
            case SHELL -> {
              ChannelShell shell = target.createShellChannel(ptyOrDefault(), env);
              shell.setUsePty(pty != null);
              yield shell;
            }
            case EXEC -> {
              ChannelExec exec = target.createExecChannel(detail, ptyOrDefault(), env);
              exec.setUsePty(pty != null);
              yield exec;
            }
            case SUBSYSTEM -> target.createSubsystemChannel(detail);
          };
      if (c instanceof PtyCapableChannelSession p) {
        p.setAgentForwarding(false);
      }
      c.setStreaming(ClientChannel.Streaming.Async);
      targetChannel = c;
      c.open()
          .addListener(
              f -> {
                if (f.isOpened()) {
                  bridged(c);
                } else {
                  refuse(
                      "hoop: target "
                          + bridge.admission().target()
                          + " refused the "
                          + kind.name().toLowerCase(java.util.Locale.ROOT)
                          + " channel: "
                          + f.getException().getMessage(),
                      255);
                }
              });
    } catch (IOException | RuntimeException e) {
      refuse("hoop: could not open a channel on target " + bridge.admission().target(), 255);
    }
  }

  private PtyChannelConfiguration ptyOrDefault() {
    return pty != null ? pty : new PtyChannelConfiguration();
  }

  private void bridged(ClientChannel c) {
    if (destroyed) {
      // the user left while the target was opening the channel
      c.close(true);
      return;
    }
    bridge.emit(
        new BridgeEvent.ChannelStarted(
            bridge.sessionKey(), channelId(), kindName(), detail, pty != null));
    if (pty != null) {
      // The terminal's size from the pty request, before any output: recordings start with it.
      bridge.emit(
          new BridgeEvent.Resized(
              bridge.sessionKey(), channelId(), pty.getPtyColumns(), pty.getPtyLines()));
    }
    Consumer<Buffer> tap = pty != null ? this::record : null;
    Consumer<Buffer> down = tap;
    Consumer<Buffer> up =
        pty != null && bridge.admission().recordInput() ? this::recordInput : null;
    if (kind == Kind.SUBSYSTEM && "sftp".equals(detail)) {
      SftpObserver observer = new SftpObserver(new SftpEvents());
      sftp = observer;
      BridgePolicy.SftpCheck check = bridge.admission().policy().sftp();
      if (uplink == null) {
        gate =
            new SftpGate(
                    userIn,
                    userOut,
                    c.getAsyncIn(),
                    c.getAsyncOut(),
                    check,
                    new GateEvents(observer, c),
                    e -> c.getAsyncIn().close(false),
                    e -> targetStreamEnded(e))
                .start();
        fromTargetErr = new Pump(c.getAsyncErr(), userErr, null, e -> targetStreamEnded(e)).start();
        c.addCloseFutureListener(f -> countDown());
        return;
      }
      down = b -> observer.fromTarget(b.array(), b.rpos(), b.available());
      up = b -> observer.fromUser(b.array(), b.rpos(), b.available());
    }
    fromTargetOut = new Pump(c.getAsyncOut(), userOut, down, e -> targetStreamEnded(e)).start();
    fromTargetErr = new Pump(c.getAsyncErr(), userErr, tap, e -> targetStreamEnded(e)).start();
    uplink.attach(
        c.getAsyncIn(),
        up,
        e -> {
          // the user's EOF becomes the target's EOF (closing the async stream sends it)
          c.getAsyncIn().close(false);
        });
    c.addCloseFutureListener(f -> countDown());
  }

  /** Sftp observations as bridge events. */
  private final class SftpEvents implements SftpObserver.Sink {
    @Override
    public void operation(String op, String path, String otherPath) {
      bridge.emit(
          new BridgeEvent.SftpOperation(bridge.sessionKey(), channelId(), op, path, otherPath));
    }

    @Override
    public void transfer(String path, long bytesWritten, long bytesRead) {
      bridge.emit(
          new BridgeEvent.FileTransfer(
              bridge.sessionKey(), channelId(), path, bytesWritten, bytesRead));
    }

    @Override
    public void unparseable(String direction) {
      bridge.emit(
          new BridgeEvent.SftpOperation(
              bridge.sessionKey(), channelId(), "unparseable-" + direction, "", ""));
    }
  }

  /** What the sftp gate saw and refused, as bridge events. */
  private final class GateEvents implements SftpGate.Sink {
    private final SftpObserver observer;
    private final ClientChannel target;

    GateEvents(SftpObserver observer, ClientChannel target) {
      this.observer = observer;
      this.target = target;
    }

    @Override
    public void refused(String what, String reason) {
      bridge.emit(new BridgeEvent.Denied(bridge.sessionKey(), "sftp", what, reason));
    }

    @Override
    public void forwarded(byte[] bytes, int offset, int length) {
      observer.fromUser(bytes, offset, length);
    }

    @Override
    public void responded(byte[] bytes, int offset, int length) {
      observer.fromTarget(bytes, offset, length);
    }

    @Override
    public void abort(String message) {
      bridge.emit(new BridgeEvent.Denied(bridge.sessionKey(), "sftp", "session", message));
      refuse(message, SshBridge.REFUSED_EXIT_STATUS);
      target.close(false);
    }
  }

  private void recordInput(Buffer data) {
    byte[] bytes = Arrays.copyOfRange(data.array(), data.rpos(), data.wpos());
    bridge.emit(new BridgeEvent.Input(bridge.sessionKey(), channelId(), System.nanoTime(), bytes));
  }

  private void record(Buffer data) {
    byte[] bytes = Arrays.copyOfRange(data.array(), data.rpos(), data.wpos());
    bridge.emit(new BridgeEvent.Output(bridge.sessionKey(), channelId(), System.nanoTime(), bytes));
  }

  private void targetStreamEnded(Throwable failure) {
    if (failure != null) {
      LOG.debug("bridge.stream.ended session={} cause={}", bridge.sessionKey(), failure.toString());
    }
    countDown();
  }

  private void countDown() {
    if (pending.decrementAndGet() == 0) {
      finish();
    }
  }

  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    SftpObserver observer = sftp;
    if (observer != null) {
      observer.end();
    }
    bridge.unregister(this);
    ClientChannel c = targetChannel;
    Integer status = c == null ? null : c.getExitStatus();
    String signal = c == null ? null : c.getExitSignal();
    bridge.emit(
        new BridgeEvent.ChannelEnded(
            bridge.sessionKey(),
            channelId(),
            kindName(),
            detail,
            status,
            signal,
            bytesToTarget(),
            bytesFromTarget()));
    afterNotices(
        () -> {
          if (status == null && signal != null) {
            channel.sendExitSignal(signal);
            channel.close(false);
            return;
          }
          exit.onExit(status == null ? 255 : status);
        });
  }

  private void afterNotices(Runnable end) {
    IoWriteFuture n = lastNotice;
    if (n == null || n.isDone()) {
      end.run();
    } else {
      n.addListener(f -> end.run());
    }
  }

  private long bytesToTarget() {
    SftpGate g = gate;
    return g != null ? g.bytesUp() : uplink == null ? 0 : uplink.bytes();
  }

  private long bytesFromTarget() {
    SftpGate g = gate;
    long out = g != null ? g.bytesDown() : fromTargetOut == null ? 0 : fromTargetOut.bytes();
    return out + (fromTargetErr == null ? 0 : fromTargetErr.bytes());
  }

  /** Ends the user's channel with a message on stderr and an exit status. */
  void refuse(String message, int status) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    bridge.unregister(this);
    try {
      userErr.writeBuffer(line(message)).addListener(f -> exit.onExit(status, message));
    } catch (IOException | RuntimeException e) {
      exit.onExit(status, message);
    }
  }

  /** A line for the user's terminal, on stderr, without disturbing the relay. */
  void notice(String message) {
    try {
      lastNotice = userErr.writeBuffer(line("\r\n" + message));
    } catch (IOException | RuntimeException e) {
      LOG.debug("bridge.notice.failed session={}", bridge.sessionKey());
    }
  }

  void windowChange(int columns, int rows, int width, int height) {
    bridge.emit(new BridgeEvent.Resized(bridge.sessionKey(), channelId(), columns, rows));
    if (targetChannel instanceof PtyCapableChannelSession p && p.isOpen()) {
      try {
        p.sendWindowChange(columns, rows, height, width);
      } catch (IOException e) {
        LOG.debug("bridge.window-change.failed session={}", bridge.sessionKey());
      }
    }
  }

  @Override
  public void destroy(ChannelSession session) {
    destroyed = true;
    bridge.unregister(this);
    Holds.Hold h = hold;
    if (review != null && h != null && !holdEnded.get()) {
      // the user gave up waiting (Ctrl-C, closed the channel): the hold ends as cancelled
      holdRefused(h.id(), "user", "cancelled: the client closed the channel");
      h.cancel();
    }
    ClientChannel c = targetChannel;
    if (c != null) {
      c.close(false);
    }
  }

  private int channelId() {
    return (int) channel.getChannelId();
  }

  private String kindName() {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  static Buffer line(String message) {
    byte[] bytes = (message + "\r\n").getBytes(StandardCharsets.UTF_8);
    return new ByteArrayBuffer(bytes);
  }

  static String messageOf(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && !(t instanceof BridgeSession.TargetUnavailableException)) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
