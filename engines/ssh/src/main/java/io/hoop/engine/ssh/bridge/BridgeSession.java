package io.hoop.engine.ssh.bridge;

import io.hoop.tunnel.engine.TargetConnector;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One user SSH connection on the bridge and its login to the target. */
final class BridgeSession {

  static final AttributeKey<BridgeSession> KEY = new AttributeKey<>();

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSession.class);
  private static final long CONNECT_TIMEOUT_SECONDS = 15;

  private final String sessionKey;
  private final Admission admission;
  private final ServerSession server;
  private final ScheduledExecutorService timer;
  private final Executor blocking;
  private final CompletableFuture<ClientSession> target = new CompletableFuture<>();
  private final Set<BridgedCommand> commands = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile String hostKeyProblem;
  private boolean failed;

  BridgeSession(
      String sessionKey,
      Admission admission,
      ServerSession server,
      ScheduledExecutorService timer,
      Executor blocking) {
    this.sessionKey = sessionKey;
    this.admission = admission;
    this.server = server;
    this.timer = timer;
    this.blocking = blocking;
  }

  String sessionKey() {
    return sessionKey;
  }

  Admission admission() {
    return admission;
  }

  CompletableFuture<ClientSession> target() {
    return target;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  /** For calls that may block (recording a hold): never an sshd I/O thread. */
  Executor blocking() {
    return blocking;
  }

  void emit(BridgeEvent event) {
    try {
      admission.listener().onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("bridge.listener.failed session={} event={}", sessionKey, event.getClass(), e);
    }
  }

  void register(BridgedCommand command) {
    commands.add(command);
  }

  void unregister(BridgedCommand command) {
    commands.remove(command);
  }

  /**
   * Connects and logs in to the target; the user's channels wait for {@link #target()}. A target
   * behind an agent is dialed on the forwarder's loopback port, whose connection is then spliced
   * onto the agent's stream.
   */
  void connectTarget(SshClient client, Supplier<LoopbackForwarder> forwarders) {
    String where =
        admission.targetAddress().getHostString() + ":" + admission.targetAddress().getPort();
    boolean direct = admission.connector() == TargetConnector.DIRECT;
    InetSocketAddress dial = direct ? admission.targetAddress() : forwarders.get().address();
    ConnectFuture connect;
    try {
      connect =
          client.connect(
              admission.targetUser(),
              dial.getHostString(),
              dial.getPort(),
              AttributeRepository.ofKeyValuePair(KEY, this),
              null);
    } catch (IOException | RuntimeException e) {
      fail(unreachable(where, e));
      return;
    }
    timer.schedule(
        () ->
            fail(
                "hoop: target "
                    + admission.target()
                    + " ("
                    + where
                    + ") did not answer within "
                    + CONNECT_TIMEOUT_SECONDS
                    + " s"),
        CONNECT_TIMEOUT_SECONDS,
        TimeUnit.SECONDS);
    connect.addListener(
        f -> {
          if (!f.isConnected()) {
            fail(unreachable(where, f.getException()));
            return;
          }
          ClientSession session = f.getClientSession();
          if (!direct) {
            forwarders
                .get()
                .claim(
                    session.getIoSession().getLocalAddress(),
                    admission.connector(),
                    admission.targetAddress())
                .addListener(
                    (io.netty.util.concurrent.Future<Void> c) -> {
                      if (!c.isSuccess()) {
                        session.close(true);
                        fail(unreachable(where, c.cause()));
                      }
                    });
          }
          if (admission.credential() instanceof TargetCredential.Key key) {
            session.addPublicKeyIdentity(key.keyPair());
          } else if (admission.credential() instanceof TargetCredential.Password password) {
            session.addPasswordIdentity(password.password());
          }
          try {
            session
                .auth()
                .addListener(
                    a -> {
                      if (a.isSuccess() && !target.isDone()) {
                        target.complete(session);
                        emit(
                            new BridgeEvent.Connected(
                                sessionKey, admission.target(), admission.targetUser()));
                        session.addCloseFutureListener(
                            c ->
                                terminate(
                                    "target_closed",
                                    "hoop: the connection to target "
                                        + admission.target()
                                        + " closed",
                                    false));
                      } else {
                        session.close(true);
                        fail(loginRefused(where));
                      }
                    });
          } catch (IOException | RuntimeException e) {
            session.close(true);
            fail(loginRefused(where));
          }
        });
  }

  /**
   * The client-wide host key verifier delegates here: pinned keys only, never trust on first use.
   */
  boolean verifyTargetHostKey(PublicKey presented) {
    for (PublicKey pinned : admission.pinnedHostKeys()) {
      if (KeyUtils.compareKeys(pinned, presented)) {
        return true;
      }
    }
    String expected =
        admission.pinnedHostKeys().stream()
            .map(k -> KeyUtils.getKeyType(k) + " " + KeyUtils.getFingerPrint(k))
            .collect(Collectors.joining(", "));
    hostKeyProblem =
        "hoop: REFUSED: the host key of target "
            + admission.target()
            + " ("
            + admission.targetAddress().getHostString()
            + ":"
            + admission.targetAddress().getPort()
            + ") has changed: it presented "
            + KeyUtils.getKeyType(presented)
            + " "
            + KeyUtils.getFingerPrint(presented)
            + ", the broker pins "
            + expected
            + ". Nothing was sent to the target; ask an administrator to verify the host and update"
            + " the pinned key.";
    return false;
  }

  private String unreachable(String where, Throwable cause) {
    String problem = hostKeyProblem;
    if (problem != null) {
      return problem;
    }
    Throwable root = cause;
    while (root != null && root.getCause() != null && !(root instanceof ConnectException)) {
      root = root.getCause();
    }
    String why = root == null ? "unknown error" : String.valueOf(root.getMessage());
    return "hoop: target " + admission.target() + " (" + where + ") is unreachable: " + why;
  }

  private String loginRefused(String where) {
    String problem = hostKeyProblem;
    if (problem != null) {
      return problem;
    }
    return "hoop: target "
        + admission.target()
        + " ("
        + where
        + ") refused the broker's login as "
        + admission.targetUser()
        + " with the role's "
        + (admission.credential() instanceof TargetCredential.Key ? "key" : "password")
        + "; ask an administrator to check the target's credential.";
  }

  private void fail(String message) {
    synchronized (this) {
      if (failed || target.isDone()) {
        return;
      }
      failed = true;
    }
    LOG.info("bridge.target.failed session={} target={}", sessionKey, admission.target());
    // Recorded before the waiting channels learn of it: they may end the user's session at once.
    emit(new BridgeEvent.TargetFailed(sessionKey, message));
    if (closed.compareAndSet(false, true)) {
      emit(new BridgeEvent.Ended(sessionKey, "target_closed", message));
      emit(new BridgeEvent.Closed(sessionKey, message));
    }
    target.completeExceptionally(new TargetUnavailableException(message));
    // channels already waiting print the message on stderr; give them a moment, then disconnect
    // (OpenSSH prints the disconnect reason too, which covers sessions without a channel)
    timer.schedule(() -> disconnect(message), 500, TimeUnit.MILLISECONDS);
  }

  /** Writes a line to the user's terminal on every open channel. */
  void notice(String message) {
    for (BridgedCommand command : commands) {
      command.notice(message);
    }
  }

  /**
   * Ends this connection: the message to every channel's terminal, then the target connection and
   * the user's connection closed within a second.
   */
  void terminate(String code, String message, boolean noticeFirst) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    emit(new BridgeEvent.Ended(sessionKey, code, message));
    emit(new BridgeEvent.Closed(sessionKey, message));
    if (noticeFirst) {
      notice(message);
    }
    for (BridgedCommand command : commands) {
      command.sessionEnding(message);
    }
    target.thenAccept(s -> s.close(true));
    target.completeExceptionally(new TargetUnavailableException(message));
    timer.schedule(() -> disconnect(message), noticeFirst ? 300 : 0, TimeUnit.MILLISECONDS);
  }

  void closedByUser() {
    if (targetGoingAway()) {
      // the target's connection ended first: its channels closed the user's, whose ssh then left
      // before the target session's close completed
      terminate(
          "target_closed",
          "hoop: the connection to target " + admission.target() + " closed",
          false);
      return;
    }
    if (closed.compareAndSet(false, true)) {
      emit(new BridgeEvent.Ended(sessionKey, "client_closed", "the user's ssh client closed"));
      emit(new BridgeEvent.Closed(sessionKey, "closed by the user"));
    }
    target.thenAccept(s -> s.close(false));
    target.completeExceptionally(new TargetUnavailableException("closed"));
  }

  /** Whether the target's connection is closing or closed while the bridge did not close it. */
  private boolean targetGoingAway() {
    if (!target.isDone() || target.isCompletedExceptionally()) {
      return false;
    }
    ClientSession session = target.join();
    return session.isClosing() || session.isClosed();
  }

  private void disconnect(String message) {
    if (!server.isOpen()) {
      return;
    }
    try {
      server.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, message);
    } catch (IOException | RuntimeException e) {
      server.close(true);
    }
    timer.schedule(() -> server.close(true), 500, TimeUnit.MILLISECONDS);
  }

  /** Why the target is not available; its message is meant for the user. */
  static final class TargetUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TargetUnavailableException(String message) {
      super(message, null, false, false);
    }
  }
}
