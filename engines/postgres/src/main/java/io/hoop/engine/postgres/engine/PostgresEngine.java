package io.hoop.engine.postgres.engine;

import io.hoop.api.TargetConnection;
import io.hoop.engine.postgres.config.PostgresTarget;
import io.hoop.tunnel.engine.Admission;
import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.TargetSection;
import io.hoop.tunnel.engine.UnreachableUpstream;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.server.TunnelRejectedException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * The {@code postgres} engine: each tunnel gets a {@link PostgresSession} in front of the relay,
 * running as the broker-held role of its {@link PostgresSettings}. An unreachable server is
 * reported in the protocol (psql cannot show a refused handshake): the handshake is accepted and
 * the client's startup answered with a FATAL naming the server and the reason.
 */
public final class PostgresEngine implements Engine {
  /** The engine name in {@code TunnelAuthorization.engine()}. */
  public static final String NAME = PostgresTarget.ENGINE;

  private final byte[] maskKey;

  /** An engine whose {@code token} masking style uses a key of its own, for this process only. */
  public PostgresEngine() {
    this(new SecureRandom().generateSeed(32));
  }

  /**
   * @param maskKey HMAC key of the {@code token} masking style (the broker keeps one in its data
   *     directory, so tokens stay comparable across restarts)
   */
  public PostgresEngine(byte[] maskKey) {
    this.maskKey = maskKey.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Logs in as the grant's role (the target's default when it named none), with the role's (or the
   * {@code default}) guardrails and the target's masking; every statement goes to the admission's
   * listener.
   */
  @Override
  public EngineSettings admit(TargetSection section, Admission admission)
      throws TunnelRejectedException {
    PostgresTarget pg = (PostgresTarget) section;
    String roleName = admission.role() == null ? pg.defaultRole() : admission.role();
    PostgresTarget.Role role =
        pg.role(roleName)
            .orElseThrow(
                () ->
                    new TunnelRejectedException(
                        "unknown_role",
                        "grant "
                            + admission.grantId()
                            + " names role '"
                            + roleName
                            + "', which target "
                            + admission.target()
                            + " does not have (roles: "
                            + pg.roleNames()
                            + ")"));
    return new PostgresSettings(
        role.user(),
        role.password(),
        pg.database(),
        pg.rulesFor(roleName),
        pg.masking() == null ? null : pg.masking().withKey(maskKey),
        pg.tls(),
        admission.listener(),
        admission.holds(),
        admission.connector());
  }

  @Override
  public TargetConnection describe(TargetConnection base, TargetSection section) {
    PostgresTarget pg = (PostgresTarget) section;
    return new TargetConnection(
        base.target(), base.type(), NAME, pg.database(), base.roles(), base.defaultRole());
  }

  @Override
  public EngineSession install(EngineContext context) {
    return PostgresSession.install(context);
  }

  @Override
  public boolean answerUnreachable(UnreachableUpstream unreachable) {
    InetSocketAddress upstream = unreachable.authorization().upstream();
    String where = upstream.getHostString() + ":" + upstream.getPort();
    unreachable.accept().run();
    UpstreamUnreachable.install(
        unreachable.pipeline(),
        unreachable.handlerName(),
        "hoop: cannot reach upstream " + where + " (" + unreachable.reason() + ")",
        new CloseNotice(
            "upstream_unreachable",
            "cannot connect to target " + unreachable.authorization().target() + " at " + where));
    return true;
  }
}
