package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's SSH bridge: an SSH server end on loopback for the user's OpenSSH client (publickey
 * only, by the admission's ephemeral key) and an SSH client end that logs in to the target with a
 * broker-held credential, bridging channels under the admission's policy hooks.
 *
 * <p>SSH has no SNI: the server picks its host key before it knows the user. So each target gets
 * its own loopback listener presenting that target's host key; {@link #expect} returns it.
 */
public final class SshBridge implements AutoCloseable {

  /**
   * The exit status of a shell, exec or subsystem request the broker refuses (by policy, a review
   * not approved, a hold that could not be recorded), with a {@code hoop: ...} line on stderr. The
   * shell convention for "found but could not be run": OpenSSH's {@code ssh} exits with it as it
   * does with any remote status, so scripts and {@code hoop exec} tell it from a command's own exit
   * 1. (A remote command can exit 126 too: the stderr line is the proof.)
   */
  public static final int REFUSED_EXIT_STATUS = 126;

  private static final Logger LOG = LoggerFactory.getLogger(SshBridge.class);
  private static final AttributeKey<Expected> EXPECTED = new AttributeKey<>();

  // AES-GCM first and no chacha20-poly1305: the JDK runs AES-GCM on AES-NI/CLMUL intrinsics while
  // chacha20 is plain Java here, about four times the CPU per byte on a relay that encrypts twice
  private static final List<NamedFactory<Cipher>> CIPHERS =
      List.of(
          BuiltinCiphers.aes128gcm,
          BuiltinCiphers.aes256gcm,
          BuiltinCiphers.aes128ctr,
          BuiltinCiphers.aes256ctr);

  // Socket reads of up to four 32 KiB packets at once instead of apache-sshd's 32 KiB, which split
  // every full data packet (32 KiB of payload plus its header) over two reads and two completions
  private static final int READ_BUFFER_SIZE = 128 * 1024;

  // The largest channel packet the user's client may send (OpenSSH's ssh sends up to what the peer
  // allows): fewer, larger packets to decrypt and queue; the target still gets its own 32 KiB ones
  private static final long USER_MAX_PACKET = 256 * 1024;

  private final Function<String, KeyPair> hostKeys;
  private final SshClient client;
  private final ScheduledExecutorService timer;
  private final ExecutorService blocking;
  private final Map<String, SshServer> listeners = new ConcurrentHashMap<>();
  private final Map<String, Expected> expected = new ConcurrentHashMap<>();
  private LoopbackForwarder forwarder;

  private SshBridge(Function<String, KeyPair> hostKeys) {
    this.hostKeys = hostKeys;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hoop-ssh-bridge-timer");
              t.setDaemon(true);
              return t;
            });
    this.blocking =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "hoop-ssh-bridge-holds");
              t.setDaemon(true);
              return t;
            });
    this.client = SshClient.setUpDefaultClient();
    client.setCipherFactories(CIPHERS);
    // an idle shell is not a dead one: no idle timeout (liveness of the user side is the tunnel's
    // job);
    // a target that stops answering keepalive@openssh.com three times in a row is dropped
    CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
    CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
    // no Nagle on either end (OpenSSH sets TCP_NODELAY on interactive sessions too): a small write
    // after another unacknowledged one (a shell's echo, then its redraw) is not held for the ACK
    CoreModuleProperties.TCP_NODELAY.set(client, true);
    CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(client, READ_BUFFER_SIZE);
    CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(30));
    CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
    client.setServerKeyVerifier(SshBridge::verifyTargetHostKey);
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setUserAuthFactories(
        List.of(
            org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory.INSTANCE,
            UserAuthPasswordFactory.INSTANCE));
    client.start();
  }

  /**
   * Starts the bridge.
   *
   * @param hostKeyForTarget the bridge's own host key for a target name (the key the user's
   *     known_hosts entry pins); called once per target
   */
  public static SshBridge start(Function<String, KeyPair> hostKeyForTarget) {
    return new SshBridge(requireNonNull(hostKeyForTarget, "hostKeyForTarget"));
  }

  /**
   * Admits the connections that authenticate with {@code admission.userKey()} until {@link
   * #close(String, String)}; returns the loopback address to connect to.
   */
  public InetSocketAddress expect(String sessionKey, Admission admission) {
    requireNonNull(sessionKey, "sessionKey");
    requireNonNull(admission, "admission");
    Expected previous = expected.putIfAbsent(sessionKey, new Expected(sessionKey, admission));
    if (previous != null) {
      throw new IllegalStateException("sessionKey " + sessionKey + " is already expected");
    }
    SshServer server = listeners.computeIfAbsent(admission.target(), this::listen);
    return new InetSocketAddress("127.0.0.1", server.getPort());
  }

  /**
   * The loopback address of the target's listener (started on first use), for an engine that dials
   * it before it calls {@link #expect}.
   */
  public InetSocketAddress listenerAddress(String target) {
    SshServer server = listeners.computeIfAbsent(requireNonNull(target, "target"), this::listen);
    return new InetSocketAddress("127.0.0.1", server.getPort());
  }

  /**
   * The session key of a connection from {@code address}: an engine that expects each connection
   * under this key (its own end's local address) binds it to that expectation alone, so two tunnels
   * offering the same user key never take each other's place.
   */
  public static String addressKey(java.net.SocketAddress address) {
    if (address instanceof InetSocketAddress a && a.getAddress() != null) {
      return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
    return String.valueOf(address);
  }

  /** Writes a warning line to the terminal (stderr) of every channel of the session. */
  public void warn(String sessionKey, String message) {
    Expected e = expected.get(requireNonNull(sessionKey, "sessionKey"));
    if (e != null) {
      e.sessions.forEach(s -> s.notice(requireNonNull(message, "message")));
    }
  }

  /**
   * Ends a session (expiry, revoke, goodbye): no new connection is admitted, the message goes to
   * the user's terminals, then the channels and the target connection close within a second.
   */
  public void close(String sessionKey, String message) {
    requireNonNull(message, "message");
    Expected e = expected.remove(requireNonNull(sessionKey, "sessionKey"));
    if (e != null) {
      e.sessions.forEach(s -> s.terminate("broker_closed", message, true));
    }
  }

  /** The bridge's host key fingerprint for a target, as the user's known_hosts will pin it. */
  public PublicKey hostKey(String target) {
    return hostKeys.apply(target).getPublic();
  }

  @Override
  public void close() {
    expected.keySet().forEach(k -> close(k, "hoop: the broker is shutting down"));
    for (SshServer server : listeners.values()) {
      try {
        server.stop(true);
      } catch (IOException e) {
        LOG.debug("bridge.listener.stop.failed", e);
      }
    }
    try {
      client.stop();
    } finally {
      timer.shutdownNow();
      blocking.shutdownNow();
      synchronized (this) {
        if (forwarder != null) {
          forwarder.close();
        }
      }
    }
  }

  /** The forwarder to targets behind an agent, started when the first such target is dialed. */
  private synchronized LoopbackForwarder forwarder() {
    if (forwarder == null) {
      forwarder = new LoopbackForwarder();
    }
    return forwarder;
  }

  private SshServer listen(String target) {
    KeyPair hostKey = requireNonNull(hostKeys.apply(target), "host key for target " + target);
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setCipherFactories(CIPHERS);
    CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ZERO);
    CoreModuleProperties.NIO2_READ_TIMEOUT.set(server, Duration.ZERO);
    CoreModuleProperties.TCP_NODELAY.set(server, true);
    CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(server, READ_BUFFER_SIZE);
    CoreModuleProperties.MAX_PACKET_SIZE.set(server, USER_MAX_PACKET);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setGSSAuthenticator(null);
    server.setHostBasedAuthenticator(null);
    server.setPublickeyAuthenticator((user, key, session) -> admit(target, key, session));
    server.setForwardingFilter(new RefuseForwarding());
    server.setServiceFactories(
        List.of(ServerUserAuthServiceFactory.INSTANCE, new BridgeConnectionService.Factory()));
    server.setAgentFactory(null);
    server.setChannelFactories(
        List.of(
            new NamedChannelFactory("session", BridgedSessionChannel::new),
            new NamedChannelFactory("direct-tcpip", DirectTcpipBridgeChannel::new)));
    server.addSessionListener(new Sessions());
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("the ssh bridge could not listen on 127.0.0.1", e);
    }
    LOG.info("bridge.listening target={} port={}", target, server.getPort());
    return server;
  }

  private boolean admit(String target, PublicKey key, ServerSession session) {
    Expected own = expected.get(addressKey(session.getClientAddress()));
    if (own != null) {
      // the connection is a known tunnel's: only its own admission may admit it
      if (own.admission.target().equals(target)
          && KeyUtils.compareKeys(own.admission.userKey(), key)) {
        session.setAttribute(EXPECTED, own);
        return true;
      }
      return false;
    }
    for (Expected e : expected.values()) {
      if (e.admission.target().equals(target) && KeyUtils.compareKeys(e.admission.userKey(), key)) {
        session.setAttribute(EXPECTED, e);
        return true;
      }
    }
    return false;
  }

  private static boolean verifyTargetHostKey(
      ClientSession session, java.net.SocketAddress address, PublicKey key) {
    AttributeRepository context = session.getConnectionContext();
    BridgeSession bridge = context == null ? null : context.getAttribute(BridgeSession.KEY);
    return bridge != null && bridge.verifyTargetHostKey(key);
  }

  /** Starts the target login once the user authenticated; cleans up when the user leaves. */
  private final class Sessions implements SessionListener {
    @Override
    public void sessionEvent(Session session, Event event) {
      if (event != Event.Authenticated || !(session instanceof ServerSession server)) {
        return;
      }
      Expected e = server.getAttribute(EXPECTED);
      if (e == null || expected.get(e.sessionKey) != e) {
        server.close(true);
        return;
      }
      BridgeSession bridge = new BridgeSession(e.sessionKey, e.admission, server, timer, blocking);
      server.setAttribute(BridgeSession.KEY, bridge);
      e.sessions.add(bridge);
      bridge.connectTarget(client, SshBridge.this::forwarder);
    }

    @Override
    public void sessionClosed(Session session) {
      BridgeSession bridge = session.getAttribute(BridgeSession.KEY);
      Expected e = session.getAttribute(EXPECTED);
      if (bridge != null) {
        bridge.closedByUser();
        if (e != null) {
          e.sessions.remove(bridge);
        }
      }
    }
  }

  private static final class Expected {
    final String sessionKey;
    final Admission admission;
    final Set<BridgeSession> sessions = ConcurrentHashMap.newKeySet();

    Expected(String sessionKey, Admission admission) {
      this.sessionKey = sessionKey;
      this.admission = admission;
    }
  }
}
