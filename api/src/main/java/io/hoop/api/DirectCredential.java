package io.hoop.api;

import java.time.Instant;

/**
 * {@code POST /v1/grants/{id}/direct}: a password bound to an approved postgres grant, for
 * connecting to the broker's own PostgreSQL port without hoop. The password is shown this once; the
 * broker keeps only its SCRAM verifier, and it dies with the grant.
 *
 * @param grantId the grant
 * @param target the grant's target
 * @param host the broker's host for clients (its certificate names it)
 * @param port the broker's PostgreSQL port ({@code postgres.directListen})
 * @param user the PostgreSQL user name, which is the grant id
 * @param password the generated password
 * @param database the target's database, the only one the credential opens
 * @param expiresAt when the grant, and with it the password, ends
 */
public record DirectCredential(
    String grantId,
    String target,
    String host,
    int port,
    String user,
    String password,
    String database,
    Instant expiresAt) {
  @Override
  public String toString() {
    return "DirectCredential[grantId="
        + grantId
        + ", target="
        + target
        + ", host="
        + host
        + ", port="
        + port
        + ", user="
        + user
        + ", password=<hidden>, database="
        + database
        + ", expiresAt="
        + expiresAt
        + "]";
  }
}
