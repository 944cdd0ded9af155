package io.hoop.tunnel.client;

import io.hoop.tunnel.protocol.Handshake;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link TunnelClient} listens locally and reaches the broker.
 *
 * @param brokerHost broker host name, also sent as TLS SNI and checked in CA mode
 * @param brokerPort broker TLS port
 * @param sslContext client context from {@code Tls.clientPinned} or {@code Tls.clientWithCa}
 * @param bindHost local address to listen on; null means {@value #DEFAULT_BIND_HOST}
 * @param localPort local port; 0 picks a free one
 * @param handshake supplies the handshake for each new connection, on the event loop (must not
 *     block; return cached tokens)
 * @param listener connection events; null means none
 * @param unixSocket when not null, listen on this Unix-domain socket file instead of {@code
 *     bindHost:localPort} (which are then unused); its directory should be private to the user
 * @param fallbacks other replicas of the same broker (unresolved host and port), tried in turn for
 *     a new connection when the broker (every address its host resolves to) cannot be reached
 */
public record TunnelClientConfig(
    String brokerHost,
    int brokerPort,
    SslContext sslContext,
    String bindHost,
    int localPort,
    Supplier<Handshake> handshake,
    TunnelClient.Listener listener,
    Path unixSocket,
    java.util.List<java.net.InetSocketAddress> fallbacks) {

  /** Loopback only: a tunnel must not be reachable from other machines by default. */
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";

  public TunnelClientConfig {
    Objects.requireNonNull(brokerHost, "brokerHost");
    Objects.requireNonNull(sslContext, "sslContext");
    Objects.requireNonNull(handshake, "handshake");
    if (brokerPort < 1 || brokerPort > 65535) {
      throw new IllegalArgumentException("brokerPort " + brokerPort + " must be in 1..65535");
    }
    if (localPort < 0 || localPort > 65535) {
      throw new IllegalArgumentException(
          "localPort " + localPort + " must be in 0..65535 (0 picks a free port)");
    }
    if (!sslContext.isClient()) {
      throw new IllegalArgumentException("sslContext must be a client context");
    }
    bindHost = bindHost == null ? DEFAULT_BIND_HOST : bindHost;
    listener = listener == null ? new TunnelClient.Listener() {} : listener;
    unixSocket = unixSocket == null ? null : unixSocket.toAbsolutePath();
    fallbacks = fallbacks == null ? java.util.List.of() : java.util.List.copyOf(fallbacks);
  }

  /** A config with a Unix socket or none, and no fallback replicas. */
  public TunnelClientConfig(
      String brokerHost,
      int brokerPort,
      SslContext sslContext,
      String bindHost,
      int localPort,
      Supplier<Handshake> handshake,
      TunnelClient.Listener listener,
      Path unixSocket) {
    this(
        brokerHost,
        brokerPort,
        sslContext,
        bindHost,
        localPort,
        handshake,
        listener,
        unixSocket,
        java.util.List.of());
  }

  /** This config, with other replicas to try when the broker cannot be reached. */
  public TunnelClientConfig withFallbacks(java.util.List<java.net.InetSocketAddress> replicas) {
    return new TunnelClientConfig(
        brokerHost,
        brokerPort,
        sslContext,
        bindHost,
        localPort,
        handshake,
        listener,
        unixSocket,
        replicas);
  }

  /** A TCP config, as before Unix sockets existed. */
  public TunnelClientConfig(
      String brokerHost,
      int brokerPort,
      SslContext sslContext,
      String bindHost,
      int localPort,
      Supplier<Handshake> handshake,
      TunnelClient.Listener listener) {
    this(brokerHost, brokerPort, sslContext, bindHost, localPort, handshake, listener, null);
  }

  /** A config listening on {@value #DEFAULT_BIND_HOST}. */
  public static TunnelClientConfig of(
      String brokerHost,
      int brokerPort,
      SslContext sslContext,
      int localPort,
      Supplier<Handshake> handshake,
      TunnelClient.Listener listener) {
    return new TunnelClientConfig(
        brokerHost, brokerPort, sslContext, null, localPort, handshake, listener, null);
  }

  /** A config listening on the Unix-domain socket file {@code socket}. */
  public static TunnelClientConfig unixSocket(
      String brokerHost,
      int brokerPort,
      SslContext sslContext,
      Path socket,
      Supplier<Handshake> handshake,
      TunnelClient.Listener listener) {
    Objects.requireNonNull(socket, "socket");
    return new TunnelClientConfig(
        brokerHost, brokerPort, sslContext, null, 0, handshake, listener, socket);
  }
}
