package io.hoop.cli.config;

/**
 * How a profile logged in, so a command can renew the session without asking. It holds where
 * secrets are (paths, variable names), never the secrets themselves.
 *
 * @param method {@code oidc-device}, {@code client-credentials} or {@code federated}
 * @param clientId the OAuth client of client credentials, else null
 * @param secretFile the client secret file of client credentials (mode 0600/0400), else null
 * @param tokenFile the federated token file, re-read on renewal (projected tokens rotate), else
 *     null
 * @param tokenEnv the environment variable holding the federated token, else null
 * @param githubAudience the audience requested from GitHub Actions, else null
 */
public record LoginSource(
    String method,
    String clientId,
    String secretFile,
    String tokenFile,
    String tokenEnv,
    String githubAudience) {
  public static final String DEVICE = "oidc-device";
  public static final String CLIENT_CREDENTIALS = "client-credentials";
  public static final String FEDERATED = "federated";
  public static final String ADMIN_TOKEN = "admin-token";

  /** An interactive device-flow login. */
  public static LoginSource device() {
    return new LoginSource(DEVICE, null, null, null, null, null);
  }
}
