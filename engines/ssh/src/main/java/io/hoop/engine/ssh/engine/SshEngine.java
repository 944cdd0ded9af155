package io.hoop.engine.ssh.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.api.TargetConnection;
import io.hoop.engine.ssh.bridge.Admission;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.engine.ssh.bridge.SshBridge;
import io.hoop.engine.ssh.config.SshTarget;
import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.TargetSection;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelRejectedException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The {@code ssh} engine: the tunnel's bytes go to the {@link SshBridge}'s loopback listener for
 * the target (which presents the broker's host key for that target); the bridge admits the one
 * connection coming from this tunnel's upstream channel, by the grant's ephemeral key, and logs in
 * to the target with the role's credential. Expiry warnings and goodbyes reach the user's terminals
 * through the bridge.
 */
public final class SshEngine implements Engine {
  /** The engine's name. */
  public static final String NAME = SshTarget.ENGINE;

  /** How long the CLOSE waits for the goodbye message to cross the bridge and the relay. */
  static final Duration GOODBYE_GRACE = Duration.ofMillis(250);

  private final SshBridge bridge;
  private final SshHostKeys hostKeys;
  private final CastRecordings casts;

  /**
   * @param bridge the bridge the tunnels' connections go through
   * @param hostKeys the broker's host key per target (what the bridge presents)
   * @param casts where terminal output is recorded (asciicast v2 per session)
   */
  public SshEngine(SshBridge bridge, SshHostKeys hostKeys, CastRecordings casts) {
    this.bridge = requireNonNull(bridge, "bridge");
    this.hostKeys = requireNonNull(hostKeys, "hostKeys");
    this.casts = requireNonNull(casts, "casts");
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Admits the handshake's ephemeral key as the grant's role (the target's default when it named
   * none); the session's events go to the admission's listener and terminal output to its
   * recording; exec commands a review rule matches are held through the admission's holds.
   */
  @Override
  public EngineSettings admit(TargetSection section, io.hoop.tunnel.engine.Admission admission)
      throws TunnelRejectedException {
    EngineListener events = admission.listener();
    BridgeListener cast = casts.listener(admission.sessionId(), admission.label());
    BridgeListener listener =
        event -> {
          events.onEvent(event);
          cast.onEvent(event);
        };
    try {
      SshSettings settings =
          SshAdmissions.settings(
              admission.target(),
              admission.upstream().getHostString(),
              admission.upstream().getPort(),
              (SshTarget) section,
              admission.role(),
              admission.handshake().sshPublicKey(),
              listener,
              admission.holds());
      return new SshSettings(settings.admission().withConnector(admission.connector()));
    } catch (SshAdmissionException e) {
      throw new TunnelRejectedException(e.code(), e.getMessage());
    }
  }

  /** The host key the bridge presents for the target and the default role's target user. */
  @Override
  public TargetConnection describe(TargetConnection base, TargetSection section) {
    SshTarget ssh = (SshTarget) section;
    return new TargetConnection(
        base.target(),
        base.type(),
        NAME,
        null,
        base.roles(),
        base.defaultRole(),
        hostKeys.publicKeyLine(base.target()),
        ssh.roles().get(ssh.defaultRole()).user());
  }

  @Override
  public InetSocketAddress route(TunnelAuthorization authorization) {
    return bridge.listenerAddress(settings(authorization).admission().target());
  }

  @Override
  public EngineSession install(EngineContext context) {
    SshSettings settings = settings(context.authorization());
    String key = SshBridge.addressKey(context.upstream().localAddress());
    Warning warning = new Warning(bridge, key);
    java.util.concurrent.atomic.AtomicReference<String> ended =
        new java.util.concurrent.atomic.AtomicReference<>();
    Admission a = settings.admission();
    bridge.expect(
        key,
        a.withListener(
            event -> {
              a.listener().onEvent(event);
              if (event instanceof BridgeEvent.ChannelStarted
                  || event instanceof BridgeEvent.Held) {
                warning.channelStarted();
              }
              if (event instanceof BridgeEvent.Ended e) {
                ended.compareAndSet(null, e.code());
              }
            }));
    context.upstream().closeFuture().addListener(f -> bridge.close(key, "hoop: the tunnel closed"));
    return new Session(bridge, key, warning, ended);
  }

  /**
   * One tunnel's ssh session as the tunnel drives it. {@link #endReason()} says who ended the SSH
   * connection, for the tunnel's close reason (the tunnel only sees its upstream, the bridge's
   * loopback end, close): the hook the tunnel needs is an {@code EngineSession.endReason()} it
   * prefers to {@code upstream_closed}.
   */
  public static final class Session implements EngineSession {
    private final SshBridge bridge;
    private final String key;
    private final Warning warning;
    private final java.util.concurrent.atomic.AtomicReference<String> ended;

    private Session(
        SshBridge bridge,
        String key,
        Warning warning,
        java.util.concurrent.atomic.AtomicReference<String> ended) {
      this.bridge = bridge;
      this.key = key;
      this.warning = warning;
      this.ended = ended;
    }

    @Override
    public void expiresSoon(String message) {
      warning.expiresSoon(message);
    }

    @Override
    public void goodbye(String code, String message, String detail) {
      ended.compareAndSet(null, code);
      bridge.close(key, message);
    }

    @Override
    public Duration goodbyeGrace() {
      // the bridge writes the message at once and disconnects after 300 ms: let it through
      return GOODBYE_GRACE;
    }

    /**
     * Who ended the session: {@code client_closed} (the user's ssh client), {@code target_closed}
     * (the target's connection), the goodbye's code, {@code broker_closed}; null while it runs.
     */
    public String endReason() {
      return ended.get();
    }
  }

  /**
   * The expiry warning of one tunnel: a grant shorter than the lead time is warned about at
   * install, before the user's client has a channel to show it on, so it waits for the first
   * channel.
   */
  private static final class Warning {
    private final SshBridge bridge;
    private final String key;
    private boolean started;
    private String pending;

    Warning(SshBridge bridge, String key) {
      this.bridge = bridge;
      this.key = key;
    }

    void expiresSoon(String message) {
      synchronized (this) {
        if (!started) {
          pending = message;
          return;
        }
      }
      bridge.warn(key, message);
    }

    void channelStarted() {
      String message;
      synchronized (this) {
        started = true;
        message = pending;
        pending = null;
      }
      if (message != null) {
        bridge.warn(key, message);
      }
    }
  }

  private static SshSettings settings(TunnelAuthorization authorization) {
    if (!(authorization.settings() instanceof SshSettings s)) {
      throw new IllegalStateException(
          "tunnel "
              + authorization.sessionId()
              + " runs the ssh engine without ssh settings ("
              + authorization.settings().getClass().getSimpleName()
              + ")");
    }
    return s;
  }
}
