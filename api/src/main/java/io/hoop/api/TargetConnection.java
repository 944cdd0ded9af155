package io.hoop.api;

import java.util.List;

/**
 * {@code GET /v1/targets/{name}/connection}: what a client needs to point its tools at a tunnel to
 * the target.
 *
 * @param target target name
 * @param type target type, e.g. {@code postgres}
 * @param engine engine the broker relays it with: {@code postgres} or {@code tcp}
 * @param database database a postgres client should name; null when the target has none set
 * @param roles roles a grant may name; empty when the target has none
 * @param defaultRole role used when a grant names none; null when the target has no roles
 * @param sshHostKey for ssh targets, the host key the broker's SSH server end presents for this
 *     target (an OpenSSH public key line, for the client's known_hosts); null otherwise
 * @param sshUser for ssh targets, the user the default role logs in as on the target (shown in the
 *     ready lines; the broker's SSH end admits by key, not by name); null otherwise
 */
public record TargetConnection(
    String target,
    String type,
    String engine,
    String database,
    List<String> roles,
    String defaultRole,
    String sshHostKey,
    String sshUser) {
  /** A connection description of a target that is not ssh. */
  public TargetConnection(
      String target,
      String type,
      String engine,
      String database,
      List<String> roles,
      String defaultRole) {
    this(target, type, engine, database, roles, defaultRole, null, null);
  }
}
