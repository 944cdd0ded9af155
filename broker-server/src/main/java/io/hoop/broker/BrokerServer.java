package io.hoop.broker;

import io.hoop.api.AuthConfig;
import io.hoop.broker.admin.AdminSocket;
import io.hoop.broker.agent.AgentEndpoint;
import io.hoop.broker.agent.AgentRegistry;
import io.hoop.broker.agent.AgentUpstreams;
import io.hoop.broker.api.ApiRoutes;
import io.hoop.broker.api.AuditRoutes;
import io.hoop.broker.api.DirectRoutes;
import io.hoop.broker.api.GovernanceRoutes;
import io.hoop.broker.api.GrantLifecycleRoutes;
import io.hoop.broker.api.HoldRoutes;
import io.hoop.broker.api.NotificationRoutes;
import io.hoop.broker.api.SessionRoutes;
import io.hoop.broker.audit.AuditSigner;
import io.hoop.broker.audit.AuditTrail;
import io.hoop.broker.auth.IdentityGateway;
import io.hoop.broker.auth.IdentitySetup;
import io.hoop.broker.cluster.Cluster;
import io.hoop.broker.cluster.Reconciler;
import io.hoop.broker.cluster.SharedKeys;
import io.hoop.broker.cluster.StoreKey;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigWatcher;
import io.hoop.broker.direct.DirectCredentials;
import io.hoop.broker.direct.PostgresDirect;
import io.hoop.broker.engines.BrokerEngines;
import io.hoop.broker.governance.ApprovalService;
import io.hoop.broker.governance.BrokerHolds;
import io.hoop.broker.governance.EntitlementSeeder;
import io.hoop.broker.governance.HoldReviews;
import io.hoop.broker.governance.ReviewService;
import io.hoop.broker.governance.TunnelCloser;
import io.hoop.broker.grants.GrantLifecycle;
import io.hoop.broker.grants.GrantService;
import io.hoop.broker.http.PortUnificationHandler;
import io.hoop.broker.http.RefusalAudit;
import io.hoop.broker.http.Router;
import io.hoop.broker.http.TlsFailureLog;
import io.hoop.broker.notify.DeliveryLog;
import io.hoop.broker.notify.Notifier;
import io.hoop.broker.ops.BrokerMetrics;
import io.hoop.broker.ops.DiagnosticsServer;
import io.hoop.broker.ops.OpsRoutes;
import io.hoop.broker.ops.Readiness;
import io.hoop.broker.retention.RetentionPurger;
import io.hoop.broker.sessions.MaskKey;
import io.hoop.broker.sessions.StatementRecorder;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.DecisionRecovery;
import io.hoop.broker.store.DirectCredentialStore;
import io.hoop.broker.store.EntitlementStore;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.HoldStore;
import io.hoop.broker.store.OnceStore;
import io.hoop.broker.store.SessionStore;
import io.hoop.broker.store.StatementStore;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.TokenStore;
import io.hoop.broker.tls.DevCertificate;
import io.hoop.broker.token.AdminTokens;
import io.hoop.broker.token.OnceIds;
import io.hoop.broker.token.RevocationCache;
import io.hoop.broker.token.TokenService;
import io.hoop.broker.tunnel.AuditingTunnelEvents;
import io.hoop.broker.tunnel.GrantTunnelAuthorizer;
import io.hoop.broker.tunnel.MeteredTunnelEvents;
import io.hoop.broker.tunnel.SessionListeners;
import io.hoop.broker.tunnel.SessionRoles;
import io.hoop.broker.tunnel.TunnelLogins;
import io.hoop.engine.ssh.engine.SshHostKeys;
import io.hoop.tunnel.server.TunnelServer;
import io.hoop.tunnel.tls.Tls;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: one TLS port serving the JSON API, the dev IdP (in dev mode) and the tunnel
 * endpoint, over the store in its data dir.
 */
public final class BrokerServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

  private static final java.time.Duration RECOVERY_GRACE = java.time.Duration.ofSeconds(30);

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ThreadPoolExecutor blocking;
  // Tunnel handshakes have their own workers: an API request stuck on a slow Jira or identity
  // provider (up to its timeout) must not hold up opening connections under live grants.
  private final ThreadPoolExecutor tunnelAuth;
  private final Store store;
  private final TunnelServer tunnels;
  private final AgentRegistry agents = new AgentRegistry();
  private final AgentEndpoint agentEndpoint;
  private final Channel serverChannel;
  private final PostgresDirect direct;
  private final String url;
  private final String fingerprint;
  private final Path certPath;
  private final AuditLog audit;
  private final ConfigWatcher configs;
  private final Notifier notifier;
  private final BrokerHolds holds;
  private final StatementRecorder statements;
  private final BrokerEngines brokerEngines;
  private final AdminSocket adminSocket;
  private final String replicaId;
  private volatile Cluster cluster;
  private final BrokerMetrics metrics = BrokerMetrics.create();
  private final Readiness readiness;
  private final DiagnosticsServer diagnostics;
  private volatile Router router;
  private volatile String baseUrl;

  private BrokerServer(BrokerConfig config, Path configFile, Path dataDir, boolean dev, Clock clock)
      throws IOException, InterruptedException {
    Files.createDirectories(
        dataDir,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    this.store = Store.open(config.store(), dataDir);
    Cluster.Mode mode = clusterMode(config);
    if (mode == Cluster.Mode.SHARED) {
      shareKeys(config, dataDir, clock);
    }
    this.replicaId = Cluster.idOf(dataDir);
    DevCertificate cert = DevCertificate.loadOrCreate(dataDir, clock);
    this.fingerprint = cert.fingerprint();
    this.certPath = cert.certPath();
    SslContext ssl = Tls.server(cert.certPath(), cert.keyPath());
    RevocationCache revocations = new RevocationCache(new TokenStore(store), clock);
    // With replicas, one-time ids (DPoP proofs, exchanged ID tokens) are claimed in the store too:
    // one used on this replica is refused on every other.
    OnceIds onceIds = mode == Cluster.Mode.SHARED ? new OnceStore(store, clock) : OnceIds.LOCAL;
    TokenService tokens = TokenService.loadOrCreate(dataDir, clock, revocations, onceIds);
    this.audit = new AuditLog(store, clock);
    Ops.instrument(metrics, store, audit, config);
    if (mode != Cluster.Mode.SHARED) {
      // The store's only broker: whatever is unrecorded was cut off by its own last stop.
      DecisionRecovery.recover(store, audit);
    }
    SessionStore sessions = new SessionStore(store);
    GrantStore grantStore = new GrantStore(store);
    EntitlementStore entitlements = new EntitlementStore(store);
    EntitlementSeeder.seed(config, entitlements);
    ConfigReloads reloads = new ConfigReloads(audit, entitlements);
    this.configs = ConfigWatcher.start(config, configFile, dev, reloads);
    DeliveryLog deliveries =
        new DeliveryLog(store, d -> metrics.webhookAttempt(d.webhook(), d.delivered()));
    this.notifier =
        new Notifier(() -> configs.get().notifications(), grantStore, deliveries, clock);
    metrics.counting(
        "hoop.webhook.dropped",
        "notifications and deliveries dropped because their queue was full",
        notifier::dropped);
    notifier.resume();
    this.holds =
        new BrokerHolds(
            new HoldStore(store, replicaId),
            grantStore,
            audit,
            notifier::hold,
            target ->
                configs
                    .get()
                    .target(target)
                    .map(t -> t.rules().holdTimeout())
                    .orElse(BrokerHolds.DEFAULT_TIMEOUT),
            g ->
                !g.reviewerGroups().isEmpty()
                    || configs
                        .get()
                        .target(g.target())
                        .map(t -> !t.reviewers().isEmpty())
                        .orElse(false),
            clock);
    this.blocking = newBlockingPool("hoop-worker-", 4096);
    // Each tunnel connection queues at most its authorization and its open and close records, so
    // this queue is bounded by the connections: a burst (every client of a restarted broker
    // reconnecting at once) must not be refused for want of room in it.
    this.tunnelAuth = newBlockingPool("hoop-tunnel-auth-", 1 << 16);
    this.statements = new StatementRecorder(new StatementStore(store));
    this.brokerEngines = BrokerEngines.start(dataDir, MaskKey.loadOrCreate(dataDir));
    io.hoop.tunnel.engine.Engines engines = brokerEngines.engines();
    TunnelLogins logins = new TunnelLogins();
    AgentUpstreams upstreams = new AgentUpstreams(configs, agents);
    GrantTunnelAuthorizer authorizer =
        new GrantTunnelAuthorizer(
            tokens,
            grantStore,
            configs,
            clock,
            engines,
            new SessionListeners(statements, audit, blocking, metrics),
            holds::forSession,
            logins,
            upstreams::connector);
    this.tunnels =
        new TunnelServer(
            authorizer,
            new MeteredTunnelEvents(
                new AuditingTunnelEvents(
                    audit, sessions, clock, new SessionRoles(grantStore, configs)::of),
                metrics),
            tunnelAuth,
            clock,
            TunnelServer.DEFAULT_HANDSHAKE_TIMEOUT,
            configs.get().tunnelKeepalive(),
            engines,
            upstreams);
    this.agentEndpoint =
        new AgentEndpoint(tokens, configs, audit, blocking, clock, agents, () -> tunnels);
    this.boss = Transports.newGroup(1, "hoop-accept");
    this.workers = Transports.newGroup(0, "hoop-io");
    try {
      this.serverChannel = bind(config.listen(), ssl);
    } catch (IOException | InterruptedException | RuntimeException e) {
      shutdownQuietly();
      throw e;
    }
    try {
      // The broker's own PostgreSQL port: sessions run through the same tunnel server and engine.
      this.direct =
          config.postgresDirect().isEmpty()
              ? null
              : PostgresDirect.start(
                  config.postgresDirect().get(),
                  cert.certPath(),
                  cert.keyPath(),
                  mode == Cluster.Mode.SHARED
                      ? new DirectCredentials(new DirectCredentialStore(store), clock)
                      : DirectCredentials.inMemory(clock),
                  authorizer::authorizeDirect,
                  tunnels,
                  tunnelAuth,
                  boss,
                  workers);
    } catch (IOException | InterruptedException | RuntimeException e) {
      serverChannel.close().awaitUninterruptibly();
      shutdownQuietly();
      throw e;
    }
    int port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    this.url =
        config
            .publicUrl()
            .orElseGet(() -> "https://" + advertisedHost(config.listen()) + ":" + port);
    this.baseUrl = url;

    RefusalAudit refusals =
        new RefusalAudit(
            (type, principal, details) -> audit.append(type, principal, null, null, null, details),
            clock);
    scheduleRefusalTicks(refusals);
    Router r = new Router(refusals);
    IdentitySetup idSetup =
        IdentitySetup.build(config, dev, url, cert.trustingSelf(), dataDir, clock, onceIds);
    r.addAll(idSetup.devRoutes());
    idSetup.devIdp().ifPresent(reloads::devIdp);
    IdentityGateway identity = idSetup.gateway();
    AuthConfig authConfig = idSetup.authConfig();
    GrantService grants =
        new GrantService(
            configs, grantStore, entitlements, audit, tokens, notifier, clock, metrics);
    new ApiRoutes(
            configs, authConfig, identity, tokens, sessions, grants, audit, clock, revocations)
        .register(r);
    AuditTrail trail = AuditTrail.start(dataDir, store, audit, workers, blocking, clock);
    new AuditRoutes(tokens, audit, trail).register(r);
    RetentionPurger retention =
        new RetentionPurger(
            store,
            audit,
            trail.exports(),
            () -> configs.get().retention(),
            dataDir.resolve("recordings"),
            clock);
    retention.schedule(workers, blocking);
    this.adminSocket = adminSocket(dataDir, new AdminTokens(store, tokens, clock), retention);
    Reconciler reconciler = new Reconciler(tunnels, grantStore, revocations, logins, holds, clock);
    try {
      this.cluster =
          Cluster.join(replicaId, store, url, mode, reconciler, blocking, workers, clock);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    revocations.onRevoke(cluster::loginRevoked);
    if (mode == Cluster.Mode.SHARED) {
      scheduleSharedRecovery(clock);
    }
    metrics.counting(
        "hoop.cluster.messages",
        "changes heard from other replicas on the cluster channel",
        cluster::received);
    metrics.counting(
        "hoop.cluster.reconciled.tunnels",
        "tunnels closed because the store said so (a decision made on another replica)",
        reconciler::closedTotal);
    // A grant that ends (revoked, released) refuses its pending holds along with its tunnels, on
    // this replica at once and on the others when they hear of it.
    TunnelCloser closer =
        (grantId, code, message) -> {
          holds.grantEnded(grantId, message);
          if (direct != null) {
            direct.credentials().forget(grantId);
          }
          int closed = tunnels.closeGrant(grantId, code, message);
          cluster.grantEnded(grantId);
          return closed;
        };
    ApprovalService approvals =
        new ApprovalService(configs, grantStore, grants, audit, closer, notifier, clock, metrics);
    new GovernanceRoutes(
            tokens, approvals, new ReviewService(configs, entitlements, approvals, audit, clock))
        .register(r);
    new GrantLifecycleRoutes(
            tokens, new GrantLifecycle(configs, grantStore, grants, audit, tokens, closer, clock))
        .register(r);
    new DirectRoutes(
            tokens,
            grantStore,
            configs,
            Optional.ofNullable(direct).map(PostgresDirect::credentials),
            () -> direct == null ? 0 : direct.port(),
            () -> java.net.URI.create(url).getHost(),
            audit,
            clock)
        .register(r);
    new HoldRoutes(
            tokens,
            new HoldReviews(
                holds, new HoldStore(store), grantStore, grants::isReviewer, clock, cluster))
        .register(r);
    new NotificationRoutes(tokens, configs, deliveries).register(r);
    new SessionRoutes(
            tokens,
            configs,
            new StatementStore(store),
            brokerEngines.engines(),
            brokerEngines.casts()::file)
        .register(r);
    this.readiness = Ops.readiness(store, tokens, clock, metrics);
    OpsRoutes ops = new OpsRoutes(readiness, metrics);
    ops.register(r);
    this.router = r;
    try {
      this.diagnostics = Ops.diagnostics(config, ops, boss, workers, blocking);
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("broker listening url={} dev={} targets={}", url, dev, config.targets().size());
  }

  private static Cluster.Mode clusterMode(BrokerConfig config) {
    if (config.store().isEmpty()) {
      return Cluster.Mode.EMBEDDED;
    }
    return config.store().get().keyFile() == null ? Cluster.Mode.SOLO : Cluster.Mode.SHARED;
  }

  /**
   * Makes the data dir's keys those every replica of the store shares (creating the ones no replica
   * made yet) before anything loads them.
   */
  private void shareKeys(BrokerConfig config, Path dataDir, Clock clock) throws IOException {
    try {
      SharedKeys.Result r =
          SharedKeys.sync(
              store,
              dataDir,
              StoreKey.read(config.store().get().keyFile()),
              () -> {
                DevCertificate.loadOrCreate(dataDir, clock);
                TokenService.loadOrCreate(dataDir, clock);
                AuditSigner.loadOrCreate(dataDir);
                MaskKey.loadOrCreate(dataDir);
                SshHostKeys hostKeys = new SshHostKeys(dataDir.resolve("ssh-host-keys"));
                for (var t : config.targets()) {
                  if (t.engine().equals("ssh")) {
                    hostKeys.apply(t.name());
                  }
                }
              });
      LOG.info("shared keys fromStore={} toStore={}", r.fromStore(), r.toStore());
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * With replicas, approvals without their audit record are looked for every {@link
   * #RECOVERY_GRACE} by one replica at a time, among approvals older than that (another replica may
   * be between a decision's two commits right now).
   */
  private void scheduleSharedRecovery(Clock clock) {
    long every = RECOVERY_GRACE.toMillis();
    workers.scheduleAtFixedRate(
        () -> {
          try {
            blocking.execute(
                () -> {
                  try {
                    DecisionRecovery.recoverShared(store, audit, clock.instant(), RECOVERY_GRACE);
                  } catch (RuntimeException e) {
                    LOG.warn(
                        "approvals without their audit record not looked for: {}", e.toString());
                  }
                });
          } catch (RejectedExecutionException e) {
            // The broker is shutting down.
          }
        },
        every / 3,
        every,
        TimeUnit.MILLISECONDS);
  }

  // Summaries of a flood are written when its window ends, even if no request comes after it.
  private void scheduleRefusalTicks(RefusalAudit refusals) {
    long every = Math.max(1, RefusalAudit.DEFAULT_WINDOW.toMillis() / 6);
    workers.scheduleAtFixedRate(
        () -> {
          try {
            blocking.execute(refusals::tick);
          } catch (RejectedExecutionException e) {
            // The broker is shutting down.
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /** Starts a broker; returns once it accepts connections. */
  public static BrokerServer start(BrokerConfig config, Path dataDir, boolean dev, Clock clock)
      throws IOException, InterruptedException {
    return new BrokerServer(config, null, dataDir, dev, clock);
  }

  /**
   * Starts a broker whose config came from {@code configFile}: it reloads the file when it changes
   * ({@link ConfigWatcher}).
   */
  public static BrokerServer start(
      BrokerConfig config, Path configFile, Path dataDir, boolean dev, Clock clock)
      throws IOException, InterruptedException {
    return new BrokerServer(config, configFile, dataDir, dev, clock);
  }

  private Channel bind(String listen, SslContext ssl) throws IOException, InterruptedException {
    int colon = listen.lastIndexOf(':');
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(Transports.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
                    ch.pipeline().addLast("tls-failures", TlsFailureLog.INSTANCE);
                    ch.pipeline()
                        .addLast(
                            "detect",
                            new PortUnificationHandler(
                                tunnels,
                                agentEndpoint::configure,
                                () -> router,
                                blocking,
                                baseUrl));
                  }
                });
    var f = b.bind(host, port).await();
    if (!f.isSuccess()) {
      throw new IOException(
          "cannot listen on " + listen + ": " + f.cause().getMessage(), f.cause());
    }
    return f.channel();
  }

  private static String advertisedHost(String listen) {
    String host = listen.substring(0, listen.lastIndexOf(':'));
    if (host.equals("0.0.0.0") || host.equals("[::]") || host.equals("::")) {
      return "localhost";
    }
    return host;
  }

  private static ThreadPoolExecutor newBlockingPool(String threadPrefix, int queue) {
    // Requests are mostly CPU (proof check, store, signing): more runnable threads than about two
    // per core only time-slice each other, which stretches the latency tail (bench/grants on 2
    // cores: p99 about a third lower with 4 workers than with 16, same throughput). Calls to Jira
    // and the identity provider also run here, bounded by their timeouts. The system property
    // hoop.broker.workers sets the size, e.g. for a store with slow round trips.
    int workers = workerCount(System.getProperty("hoop.broker.workers"));
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            workers,
            workers,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * The size of each worker pool: {@code property} when set, else about two per core (at least 4).
   *
   * @throws IllegalArgumentException naming the property when it is not a number in 1..1024
   */
  static int workerCount(String property) {
    if (property == null) {
      return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }
    try {
      int n = Integer.parseInt(property.strip());
      if (n >= 1 && n <= 1024) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Refused below with the value and the expectation.
    }
    throw new IllegalArgumentException(
        "-Dhoop.broker.workers=" + property + " must be a whole number of threads in 1..1024");
  }

  public String url() {
    return url;
  }

  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  public String fingerprint() {
    return fingerprint;
  }

  public Path certPath() {
    return certPath;
  }

  public AuditLog audit() {
    return audit;
  }

  /**
   * Held operations: what the tunnel authorizer binds to each session ({@link
   * BrokerHolds#forSession}).
   */
  public BrokerHolds holds() {
    return holds;
  }

  public TunnelServer tunnels() {
    return tunnels;
  }

  /** The agents connected now. */
  public AgentRegistry agents() {
    return agents;
  }

  /** The broker's PostgreSQL port for direct access, when {@code postgres.directListen} is set. */
  public Optional<PostgresDirect> postgresDirect() {
    return Optional.ofNullable(direct);
  }

  /** The config in force, reloadable. */
  public ConfigWatcher configWatcher() {
    return configs;
  }

  /**
   * The admin socket for {@code hoop-broker token} while the broker runs, or null: without it those
   * commands still work on a PostgreSQL store, so a failure (a data dir path too long for a Unix
   * socket, say) is a warning, not a reason to refuse to start.
   */
  private static AdminSocket adminSocket(
      Path dataDir, AdminTokens tokens, RetentionPurger retention) {
    try {
      return AdminSocket.start(dataDir, tokens, retention);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "no admin socket ({}): hoop-broker token needs a PostgreSQL store or a stopped broker",
          e.getMessage());
      return null;
    }
  }

  /** This broker's replica id in the store. */
  public String replicaId() {
    return replicaId;
  }

  /** The broker's metrics (what {@code /metrics} serves). */
  public BrokerMetrics metrics() {
    return metrics;
  }

  /** The port of the plain-HTTP diagnostics listener, when {@code diagnostics.listen} is set. */
  public Optional<Integer> diagnosticsPort() {
    return Optional.ofNullable(diagnostics).map(DiagnosticsServer::port);
  }

  @Override
  public void close() {
    LOG.info("broker stopping url={}", url);
    if (cluster != null) {
      cluster.close();
    }
    if (diagnostics != null) {
      diagnostics.close();
    }
    if (adminSocket != null) {
      adminSocket.close();
    }
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly();
    }
    if (direct != null) {
      direct.close();
    }
    // Before the tunnels and the store: waiting sessions are refused and the holds end as
    // cancelled.
    holds.close();
    tunnels.closeAll("broker_shutdown", "the broker is shutting down");
    brokerEngines.close();
    shutdownQuietly();
  }

  private void shutdownQuietly() {
    holds.close();
    configs.close();
    notifier.close();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    blocking.shutdown();
    tunnelAuth.shutdown();
    try {
      blocking.awaitTermination(5, TimeUnit.SECONDS);
      tunnelAuth.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // After the event loops: statements of the last tunnels are still written.
    statements.close();
    if (readiness != null) {
      readiness.close();
    }
    store.close();
    metrics.close();
  }
}
