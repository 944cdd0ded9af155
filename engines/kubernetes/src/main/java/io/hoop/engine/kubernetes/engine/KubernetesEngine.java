package io.hoop.engine.kubernetes.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.HttpEngine;
import io.hoop.engine.http.HttpSettings;
import io.hoop.engine.http.config.ContentDetectors;
import io.hoop.engine.http.config.Credential;
import io.hoop.engine.http.config.HttpRole;
import io.hoop.engine.http.config.HttpTarget;
import io.hoop.engine.http.config.RuleAction;
import io.hoop.engine.http.mask.MaskPlan;
import io.hoop.engine.kubernetes.config.KubeRole;
import io.hoop.engine.kubernetes.config.KubernetesSection;
import io.hoop.engine.kubernetes.config.KubernetesTargetKind;
import io.hoop.engine.ssh.engine.CastRecordings;
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
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.net.ssl.SSLException;

/**
 * The {@code kubernetes} engine: the http engine's proxy (the same relay, keep-alive, upgrades,
 * streaming masking, holds and goodbye) with a Kubernetes policy per tunnel. Each request is read
 * as the API server reads it and decided by the role's rules ({@link KubeExchangePolicy}); the
 * broker presents the role's service-account token or client certificate and verifies the API
 * server against the target's {@code caFile}; Secret values are masked as they stream. Credential
 * files are read when a tunnel opens. {@link #close()} stops the proxy.
 */
public final class KubernetesEngine implements Engine, AutoCloseable {
  /** The engine's name. */
  public static final String NAME = KubernetesSection.ENGINE;

  /** How long a request a rule sends to review waits for a decision. */
  static final Duration REVIEW_TIMEOUT = Duration.ofMinutes(5);

  private final HttpEngine proxy;
  private final CastRecordings casts;
  private final byte[] hashKey = new byte[32];

  /**
   * An engine whose proxy runs on one event loop and that records no exec terminal output (exec and
   * attach are still followed, and each session's step reported).
   */
  public KubernetesEngine() {
    this(1, null);
  }

  /**
   * An engine whose proxy runs on one event loop and that records exec and attach terminal output
   * in {@code casts} (the broker's store, shared with the ssh engine).
   */
  public KubernetesEngine(CastRecordings casts) {
    this(1, requireNonNull(casts, "casts"));
  }

  /**
   * @param threads the proxy's event loops (0: one per core)
   * @param casts where exec terminal output is recorded; null for nowhere
   */
  public KubernetesEngine(int threads, CastRecordings casts) {
    this.proxy = new HttpEngine(threads);
    new SecureRandom().nextBytes(hashKey);
    this.casts = casts;
  }

  /** The target kind that parses {@code kubernetes} sections. */
  public KubernetesTargetKind targetKind() {
    return new KubernetesTargetKind();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public EngineSettings admit(TargetSection section, Admission admission)
      throws TunnelRejectedException {
    if (!(section instanceof KubernetesSection k8s)) {
      throw new TunnelRejectedException(
          "engine_misconfigured",
          "target "
              + admission.target()
              + " has no kubernetes section; the kubernetes engine cannot serve it");
    }
    String roleName = admission.role() == null ? k8s.defaultRole() : admission.role();
    KubeRole role = k8s.role(roleName);
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
              + new TreeSet<>(k8s.roles().keySet())
              + ")");
    }
    Credential credential;
    List<X509Certificate> trust;
    try {
      credential = KubeCredentials.load(role.credential());
      trust = KubeCredentials.certificates(k8s.caFile());
    } catch (IOException e) {
      throw new TunnelRejectedException(
          "engine_misconfigured",
          "target " + admission.target() + " role " + roleName + ": " + e.getMessage());
    }
    InetSocketAddress upstream = admission.upstream();
    String host = upstream.getHostString();
    String serverName = k8s.serverName() == null ? host : k8s.serverName();
    HttpRole httpRole = new HttpRole(roleName, credential, List.of(), RuleAction.DENY);
    HttpTarget target =
        new HttpTarget(
            host,
            upstream.getPort(),
            true,
            trust,
            serverName,
            Map.of(roleName, httpRole),
            roleName,
            List.of(),
            ContentDetectors.none(),
            REVIEW_TIMEOUT,
            false);
    return new HttpSettings(
        target,
        httpRole,
        tls(admission, trust, credential),
        MaskPlan.none(),
        admission,
        new KubeExchangePolicy(role, new ExecSessions(admission, casts), k8s.detectors(), hashKey));
  }

  private static SslContext tls(
      Admission admission, List<X509Certificate> trust, Credential credential)
      throws TunnelRejectedException {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(trust.toArray(new X509Certificate[0]))
              .endpointIdentificationAlgorithm("HTTPS")
              .protocols("TLSv1.3", "TLSv1.2");
      if (credential instanceof Credential.ClientCertificate cert) {
        builder.keyManager(cert.key(), cert.chain().toArray(new X509Certificate[0]));
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TunnelRejectedException(
          "engine_misconfigured",
          "cannot build the TLS context toward the API server of target "
              + admission.target()
              + ": "
              + e.getMessage());
    }
  }

  @Override
  public InetSocketAddress route(TunnelAuthorization authorization) {
    return proxy.route(authorization);
  }

  @Override
  public EngineSession install(EngineContext context) {
    return proxy.install(context);
  }

  @Override
  public void close() {
    proxy.close();
  }
}
