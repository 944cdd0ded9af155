package io.hoop.engine.http;

import io.hoop.engine.http.config.Credential;
import io.hoop.engine.http.config.HttpRole;
import io.hoop.engine.http.config.HttpTarget;
import io.hoop.engine.http.config.HttpTargetKind;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.http.proxy.HttpProxyServer;
import io.hoop.engine.http.proxy.ProxyTunnel;
import io.hoop.tunnel.engine.Admission;
import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.TargetSection;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelRejectedException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;

/**
 * The {@code http} engine: the tunnel's bytes go to the broker's in-process {@link HttpProxyServer}
 * (the engine's route), which reads the client's plain HTTP/1.1 (the tunnel itself is TLS to the
 * broker), applies the role's rules and forwards allowed requests to the target over HTTPS with the
 * role's credential, masking JSON answers as they stream. One instance serves every http target;
 * {@link #close()} stops the proxy.
 */
public final class HttpEngine implements Engine, AutoCloseable {
  /** The engine's name. */
  public static final String NAME = HttpTarget.ENGINE;

  /** How long the CLOSE waits for the 503 naming the grant to cross the proxy and the relay. */
  static final Duration GOODBYE_GRACE = Duration.ofMillis(200);

  private final HttpProxyServer proxy;
  private final byte[] hashKey = new byte[32];
  private final Map<List<Object>, SslContext> contexts = new ConcurrentHashMap<>();

  /** An engine whose proxy runs on one event loop. */
  public HttpEngine() {
    this(1);
  }

  /**
   * An engine whose targets' content detectors come with their sections ({@link
   * HttpTarget#detectors()}).
   *
   * @param threads the proxy's event loops (0: one per core)
   */
  public HttpEngine(int threads) {
    new SecureRandom().nextBytes(hashKey);
    this.proxy = HttpProxyServer.start(threads);
  }

  /** The target kind that parses sections for this engine. */
  public HttpTargetKind targetKind() {
    return new HttpTargetKind();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings admit(TargetSection section, Admission admission)
      throws TunnelRejectedException {
    if (!(section instanceof HttpTarget target)) {
      throw new TunnelRejectedException(
          "engine_misconfigured",
          "target " + admission.target() + " has no http section; the http engine cannot serve it");
    }
    String roleName = admission.role() == null ? target.defaultRole() : admission.role();
    HttpRole role = target.roles().get(roleName);
    if (role == null) {
      throw new TunnelRejectedException(
          "role_unknown",
          "role '"
              + roleName
              + "' of grant "
              + admission.grantId()
              + " is not a role of target "
              + admission.target()
              + " (roles: "
              + new TreeSet<>(target.roles().keySet())
              + ")");
    }
    SslContext tls = null;
    if (target.tls()) {
      try {
        tls =
            contexts.computeIfAbsent(
                List.of(target.trust(), role.credential()), k -> build(target, role));
      } catch (IllegalStateException e) {
        throw new TunnelRejectedException("engine_misconfigured", e.getMessage());
      }
    }
    return new HttpSettings(
        target,
        role,
        tls,
        new MaskPlan(
            target.masking(), target.detectors().detectors(), target.detectors().style(), hashKey),
        admission);
  }

  private static SslContext build(HttpTarget target, HttpRole role) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(target.trust().toArray(new X509Certificate[0]))
              .endpointIdentificationAlgorithm("HTTPS")
              .protocols("TLSv1.3", "TLSv1.2");
      if (role.credential() instanceof Credential.ClientCertificate cert) {
        builder.keyManager(cert.key(), cert.chain().toArray(new X509Certificate[0]));
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException(
          "cannot build the TLS context toward target host "
              + target.host()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public InetSocketAddress route(TunnelAuthorization authorization) {
    return proxy.address();
  }

  @Override
  public EngineSession install(EngineContext context) {
    if (!(context.authorization().settings() instanceof HttpSettings settings)) {
      throw new IllegalStateException(
          "tunnel "
              + context.authorization().sessionId()
              + " runs the http engine without http settings");
    }
    SocketAddress peer = context.upstream().localAddress();
    ProxyTunnel tunnel = new ProxyTunnel(settings);
    proxy.register(peer, tunnel);
    context.upstream().closeFuture().addListener(f -> proxy.unregister(peer));
    return new EngineSession() {
      @Override
      public void expiresSoon(String message) {
        tunnel.expiresSoon(message);
      }

      @Override
      public void goodbye(String code, String message, String detail) {
        tunnel.goodbye(message);
      }

      @Override
      public Duration goodbyeGrace() {
        return GOODBYE_GRACE;
      }
    };
  }

  @Override
  public void close() {
    proxy.close();
  }
}
