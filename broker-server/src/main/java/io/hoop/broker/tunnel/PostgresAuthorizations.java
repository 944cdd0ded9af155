package io.hoop.broker.tunnel;

import io.hoop.broker.config.PostgresTarget;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.sessions.StatementRecorder;
import io.hoop.broker.store.StoredGrant;
import io.hoop.engine.postgres.engine.PostgresEngine;
import io.hoop.engine.postgres.engine.PostgresSettings;
import io.hoop.tunnel.engine.EngineSettings;
import io.hoop.tunnel.engine.TcpEngine;
import io.hoop.tunnel.server.TunnelRejectedException;
import java.util.TreeSet;

/**
 * Picks a tunnel's engine and builds its settings: postgres targets with a {@code postgres} section
 * run the postgres engine as the grant's role (or the target's default role), with the target's
 * guardrails and masking, recording every statement; everything else is a raw tcp relay.
 */
public final class PostgresAuthorizations {
  private final StatementRecorder recorder;
  private final byte[] maskKey;

  /**
   * @param recorder where statements are recorded
   * @param maskKey HMAC key for masking tokens
   */
  public PostgresAuthorizations(StatementRecorder recorder, byte[] maskKey) {
    this.recorder = recorder;
    this.maskKey = maskKey.clone();
  }

  /** The engine name for {@code target}. */
  public static String engine(TargetConfig target) {
    PostgresTarget pg = target.postgres();
    return pg != null && pg.protocolAware() ? PostgresEngine.NAME : TcpEngine.NAME;
  }

  /** Settings for a tunnel of {@code grant} to {@code target}, recorded under {@code sessionId}. */
  public EngineSettings settings(TargetConfig target, StoredGrant grant, String sessionId)
      throws TunnelRejectedException {
    PostgresTarget pg = target.postgres();
    if (pg == null || !pg.protocolAware()) {
      return EngineSettings.none();
    }
    String roleName = grant.role() == null ? pg.defaultRole() : grant.role();
    PostgresTarget.Role role =
        pg.role(roleName)
            .orElseThrow(
                () ->
                    new TunnelRejectedException(
                        "unknown_role",
                        "grant "
                            + grant.id()
                            + " names role '"
                            + roleName
                            + "', which target "
                            + target.name()
                            + " does not have (roles: "
                            + new TreeSet<>(pg.roles().keySet())
                            + ")"));
    return new PostgresSettings(
        role.user(),
        role.password(),
        pg.database(),
        pg.rulesFor(roleName),
        pg.masking() == null ? null : pg.masking().withKey(maskKey),
        pg.tls(),
        recorder.listener(sessionId));
  }
}
