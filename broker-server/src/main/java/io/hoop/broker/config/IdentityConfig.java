package io.hoop.broker.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code identity} section: the organisation's OIDC provider, how its tokens map to principals,
 * whether session tokens must be bound to a key, and the external issuers trusted for workload
 * identity federation.
 *
 * @param issuer the OIDC issuer URL; absent only in dev mode, where the embedded dev IdP serves
 * @param clientId the client id registered for the CLI (the audience of ID tokens)
 * @param scopes scopes the CLI requests
 * @param usernameClaim claim holding the username; {@code preferred_username}, then {@code email},
 *     then {@code sub} when absent
 * @param groupsClaim dotted path of the groups claim, e.g. {@code realm_access.roles}
 * @param clientSecretFile the client secret for confidential clients, read by the CLI's IdP calls
 * @param caFile PEM CA certificates of an IdP behind a private CA, trusted (besides the JVM's
 *     defaults) for its discovery and keys, and handed to the CLI in {@code GET /v1/auth/config}
 * @param jwksMaxAge how long a cached JWKS stays usable while the IdP cannot be reached
 * @param requireDpop whether logins must carry a DPoP proof (an unbound session is refused)
 * @param machineClaims claims naming the client of a client-credentials access token, first present
 *     wins
 * @param federation trusted external issuers, in config order
 * @param machineClients the clients allowed to log in with client credentials; empty refuses every
 *     machine login (in dev mode: the dev IdP's own clients)
 */
public record IdentityConfig(
    Optional<String> issuer,
    String clientId,
    List<String> scopes,
    String usernameClaim,
    String groupsClaim,
    Optional<Path> clientSecretFile,
    Optional<Path> caFile,
    Duration jwksMaxAge,
    boolean requireDpop,
    List<String> machineClaims,
    List<FederationConfig> federation,
    List<MachineClient> machineClients) {
  public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";
  public static final String DEFAULT_GROUPS_CLAIM = "groups";
  public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofHours(24);
  public static final List<String> DEFAULT_MACHINE_CLAIMS =
      List.of("client_id", "azp", "cid", "appid");

  /** What dev mode uses without an {@code identity} section. */
  public static final IdentityConfig DEV_DEFAULTS =
      new IdentityConfig(
          Optional.empty(),
          "hoop-cli",
          List.of("openid", "profile", "email", "offline_access"),
          DEFAULT_USERNAME_CLAIM,
          DEFAULT_GROUPS_CLAIM,
          Optional.empty(),
          Optional.empty(),
          DEFAULT_JWKS_MAX_AGE,
          true,
          DEFAULT_MACHINE_CLAIMS,
          List.of(),
          List.of());

  public IdentityConfig {
    requireNonNull(issuer, "issuer");
    requireNonNull(clientId, "clientId");
    scopes = List.copyOf(scopes);
    requireNonNull(usernameClaim, "usernameClaim");
    requireNonNull(groupsClaim, "groupsClaim");
    requireNonNull(clientSecretFile, "clientSecretFile");
    requireNonNull(caFile, "caFile");
    requireNonNull(jwksMaxAge, "jwksMaxAge");
    machineClaims = List.copyOf(machineClaims);
    federation = List.copyOf(federation);
    machineClients = List.copyOf(machineClients);
  }

  /**
   * One client allowed to log in with client credentials ({@code identity.machineClients}).
   *
   * @param clientId the client id as the IdP puts it in its access tokens
   * @param description what the client is for, shown to admins; may be empty
   */
  public record MachineClient(String clientId, String description) {
    public MachineClient {
      requireNonNull(clientId, "clientId");
      requireNonNull(description, "description");
    }
  }

  /**
   * One trusted external issuer (a CI provider, a Kubernetes cluster): its tokens for {@code
   * audience} whose claims match every condition become the machine principal rendered from {@code
   * principal}.
   *
   * @param name unique name, shown in audit as the login's source
   * @param issuer issuer URL, {@code https://} (or {@code http://} on loopback, for tests)
   * @param audience value that must be among the token's audiences
   * @param conditions claim name to glob ({@code *} any run of characters, {@code ?} one); all must
   *     match
   * @param principal template over claims, e.g. {@code github:{repository}:{workflow}}
   * @param groups groups the principal gets
   */
  public record FederationConfig(
      String name,
      String issuer,
      String audience,
      Map<String, String> conditions,
      String principal,
      List<String> groups) {
    public FederationConfig {
      requireNonNull(name, "name");
      requireNonNull(issuer, "issuer");
      requireNonNull(audience, "audience");
      conditions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(conditions));
      requireNonNull(principal, "principal");
      groups = List.copyOf(groups);
    }
  }
}
