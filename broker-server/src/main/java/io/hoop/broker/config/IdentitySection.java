package io.hoop.broker.config;

import io.hoop.api.Durations;
import io.hoop.api.IssuerUrls;
import io.hoop.broker.config.DevIdpConfig.DevClientConfig;
import io.hoop.broker.config.IdentityConfig.FederationConfig;
import io.hoop.tunnel.tls.IssuerTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code identity} section ({@link IdentityConfig}) and the dev IdP's {@code
 * devIdp.clients}. Every error names its key.
 */
final class IdentitySection {
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
  private static final Pattern CLAIM_PATH =
      Pattern.compile("^[A-Za-z0-9_:/-]+(\\.[A-Za-z0-9_:/-]+)*$");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  // Client ids: what IdPs allow (Keycloak and Okta ids, Entra GUIDs), no spaces or controls.
  private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$");
  private static final Duration MAX_JWKS_AGE = Duration.ofDays(7);
  private static final long MAX_SECRET_BYTES = 4096;

  private final String source;

  private IdentitySection(String source) {
    this.source = source;
  }

  /** The raw {@code identity} mapping. */
  record RawIdentity(
      String issuer,
      String clientId,
      List<String> scopes,
      String usernameClaim,
      String groupsClaim,
      String clientSecretFile,
      String caFile,
      String jwksMaxAge,
      Boolean requireDpop,
      List<String> machineClaims,
      List<RawFederation> federation,
      List<RawMachineClient> machineClients) {}

  /** One raw {@code identity.machineClients} entry. */
  record RawMachineClient(String clientId, String description) {}

  /** One raw {@code identity.federation} entry. */
  record RawFederation(
      String name,
      String issuer,
      String audience,
      Map<String, String> conditions,
      String principal,
      List<String> groups) {}

  /** One raw {@code devIdp.clients} entry. */
  record RawDevClient(String id, String secretFile, List<String> groups) {}

  /**
   * Validates the section; absent is allowed only in dev mode, where the issuer may be omitted too.
   */
  static Optional<IdentityConfig> parse(String source, RawIdentity raw, boolean dev)
      throws ConfigException {
    IdentitySection s = new IdentitySection(source);
    if (raw == null) {
      if (!dev) {
        throw s.error(
            "identity",
            "missing: outside --dev the broker needs an OIDC provider (identity.issuer and"
                + " identity.clientId)");
      }
      return Optional.empty();
    }
    return Optional.of(s.identity(raw, dev));
  }

  private IdentityConfig identity(RawIdentity raw, boolean dev) throws ConfigException {
    Optional<String> issuer = Optional.ofNullable(raw.issuer());
    if (issuer.isEmpty() && !dev) {
      throw error("identity.issuer", "missing");
    }
    if (issuer.isPresent()) {
      issuerUrl("identity.issuer", issuer.get());
    }
    String clientId = raw.clientId();
    if (clientId == null || clientId.isBlank()) {
      if (!dev) {
        throw error("identity.clientId", "missing");
      }
      clientId = IdentityConfig.DEV_DEFAULTS.clientId();
    }
    Duration maxAge = IdentityConfig.DEFAULT_JWKS_MAX_AGE;
    if (raw.jwksMaxAge() != null) {
      try {
        maxAge = Durations.parse(raw.jwksMaxAge());
      } catch (IllegalArgumentException e) {
        throw error("identity.jwksMaxAge", e.getMessage());
      }
      if (maxAge.compareTo(Duration.ofMinutes(1)) < 0 || maxAge.compareTo(MAX_JWKS_AGE) > 0) {
        throw error(
            "identity.jwksMaxAge", Durations.format(maxAge) + " is out of range; expected 1m-7d");
      }
    }
    Optional<Path> secretFile = Optional.empty();
    if (raw.clientSecretFile() != null) {
      secretFile = Optional.of(Path.of(raw.clientSecretFile()));
      readSecret("identity.clientSecretFile", raw.clientSecretFile());
    }
    Optional<Path> caFile = Optional.empty();
    if (raw.caFile() != null) {
      try {
        IssuerTrust.readPem(Path.of(raw.caFile()));
      } catch (IllegalArgumentException e) {
        throw error("identity.caFile", e.getMessage());
      }
      caFile = Optional.of(Path.of(raw.caFile()));
    }
    List<String> machineClaims =
        raw.machineClaims() == null ? IdentityConfig.DEFAULT_MACHINE_CLAIMS : raw.machineClaims();
    if (machineClaims.isEmpty()) {
      throw error("identity.machineClaims", "empty; expected e.g. [client_id, azp, sub]");
    }
    for (int i = 0; i < machineClaims.size(); i++) {
      claimPath("identity.machineClaims[" + i + "]", machineClaims.get(i));
      // sub names whoever the token is about: with it a person's token could name a "client".
      if (machineClaims.get(i).equals("sub")) {
        throw error(
            "identity.machineClaims[" + i + "]",
            "sub names the token's subject, a person too; expected claims naming the client"
                + " (client_id, azp, cid, appid)");
      }
    }
    return new IdentityConfig(
        issuer,
        clientId,
        raw.scopes() == null ? List.of("openid", "profile", "email") : raw.scopes(),
        raw.usernameClaim() == null
            ? IdentityConfig.DEFAULT_USERNAME_CLAIM
            : claimPath("identity.usernameClaim", raw.usernameClaim()),
        raw.groupsClaim() == null
            ? IdentityConfig.DEFAULT_GROUPS_CLAIM
            : claimPath("identity.groupsClaim", raw.groupsClaim()),
        secretFile,
        caFile,
        maxAge,
        raw.requireDpop() == null || raw.requireDpop(),
        machineClaims,
        federation(raw.federation()),
        machineClients(raw.machineClients(), clientId));
  }

  private List<IdentityConfig.MachineClient> machineClients(
      List<RawMachineClient> raw, String interactiveClientId) throws ConfigException {
    if (raw == null) {
      return List.of();
    }
    List<IdentityConfig.MachineClient> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String key = "identity.machineClients[" + i + "]";
      RawMachineClient c = raw.get(i);
      if (c == null) {
        throw error(key, "empty entry; expected {clientId: ..., description: ...}");
      }
      String id = required(key + ".clientId", c.clientId());
      if (!CLIENT_ID.matcher(id).matches()) {
        throw error(
            key + ".clientId",
            "'" + id + "' is not a client id (letters, digits and . _ : @ / -, at most 128)");
      }
      // The interactive client's tokens belong to people: as a machine it would make every person
      // one shared principal.
      if (id.equals(interactiveClientId)) {
        throw error(
            key + ".clientId",
            "'"
                + id
                + "' is identity.clientId, the client people log in with; register a separate"
                + " confidential client for each machine");
      }
      if (!ids.add(id)) {
        throw error(key + ".clientId", "duplicate machine client '" + id + "'");
      }
      out.add(
          new IdentityConfig.MachineClient(
              id, c.description() == null ? "" : c.description().strip()));
    }
    return out;
  }

  private List<FederationConfig> federation(List<RawFederation> raw) throws ConfigException {
    if (raw == null) {
      return List.of();
    }
    List<FederationConfig> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String key = "identity.federation[" + i + "]";
      RawFederation f = raw.get(i);
      if (f == null) {
        throw error(key, "empty entry");
      }
      String name = required(key + ".name", f.name());
      if (!NAME.matcher(name).matches()) {
        throw error(key + ".name", "'" + name + "' must be lower-case letters, digits, . _ -");
      }
      if (!names.add(name)) {
        throw error(key + ".name", "duplicate federation entry '" + name + "'");
      }
      String issuer = required(key + ".issuer", f.issuer());
      issuerUrl(key + ".issuer", issuer);
      String audience = required(key + ".audience", f.audience());
      // Without a condition every token of a public issuer (any GitHub repository) would pass.
      if (f.conditions() == null || f.conditions().isEmpty()) {
        throw error(
            key + ".conditions",
            "missing: list claim conditions (e.g. repository: \"acme/*\") so that only your"
                + " workloads are trusted");
      }
      Map<String, String> conditions = new LinkedHashMap<>();
      for (Map.Entry<String, String> c : f.conditions().entrySet()) {
        claimPath(key + ".conditions." + c.getKey(), c.getKey());
        if (c.getValue() == null || c.getValue().isEmpty()) {
          throw error(key + ".conditions." + c.getKey(), "empty glob");
        }
        conditions.put(c.getKey(), c.getValue());
      }
      String principal = required(key + ".principal", f.principal());
      Matcher m = PLACEHOLDER.matcher(principal);
      int placeholders = 0;
      while (m.find()) {
        claimPath(key + ".principal", m.group(1));
        placeholders++;
      }
      if (placeholders == 0) {
        throw error(
            key + ".principal",
            "'"
                + principal
                + "' names no claim; expected a template such as"
                + " github:{repository}:{workflow} so each workload is its own principal");
      }
      List<String> groups = f.groups() == null ? List.of() : f.groups();
      for (int j = 0; j < groups.size(); j++) {
        if (groups.get(j) == null || groups.get(j).isBlank()) {
          throw error(key + ".groups[" + j + "]", "empty group name");
        }
      }
      out.add(new FederationConfig(name, issuer, audience, conditions, principal, groups));
    }
    return out;
  }

  /** Validates {@code devIdp.clients}; secrets are read from their files now. */
  static List<DevClientConfig> devClients(String source, List<RawDevClient> raw)
      throws ConfigException {
    IdentitySection s = new IdentitySection(source);
    if (raw == null) {
      return List.of();
    }
    List<DevClientConfig> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String key = "devIdp.clients[" + i + "]";
      RawDevClient c = raw.get(i);
      if (c == null) {
        throw s.error(key, "empty entry");
      }
      String id = s.required(key + ".id", c.id());
      if (!NAME.matcher(id).matches()) {
        throw s.error(key + ".id", "'" + id + "' must be lower-case letters, digits, . _ -");
      }
      if (!ids.add(id)) {
        throw s.error(key + ".id", "duplicate client '" + id + "'");
      }
      String secret =
          s.readSecret(key + ".secretFile", s.required(key + ".secretFile", c.secretFile()));
      if (secret.length() < 16) {
        throw s.error(
            key + ".secretFile",
            c.secretFile() + " holds " + secret.length() + " characters; expected at least 16");
      }
      out.add(new DevClientConfig(id, secret, c.groups() == null ? List.of() : c.groups()));
    }
    return out;
  }

  private void issuerUrl(String key, String issuer) throws ConfigException {
    if (!IssuerUrls.acceptable(issuer)) {
      throw error(key, "'" + issuer + "' " + IssuerUrls.expectation());
    }
  }

  private String claimPath(String key, String path) throws ConfigException {
    if (path == null || !CLAIM_PATH.matcher(path).matches()) {
      throw error(
          key, "'" + path + "' is not a claim name or dotted path such as realm_access.roles");
    }
    return path;
  }

  private String readSecret(String key, String file) throws ConfigException {
    Path p = Path.of(file);
    try {
      if (!Files.isRegularFile(p)) {
        throw error(key, file + " is not a readable file");
      }
      if (Files.size(p) > MAX_SECRET_BYTES) {
        throw error(key, file + " is larger than " + MAX_SECRET_BYTES + " bytes");
      }
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        if (perms.contains(PosixFilePermission.GROUP_READ)
            || perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw error(key, file + " is readable by others; chmod 600 it");
        }
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: nothing to check.
      }
      String secret = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw error(key, file + " is empty");
      }
      return secret;
    } catch (IOException e) {
      throw error(key, "cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private String required(String key, String value) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw error(key, "missing");
    }
    return value;
  }

  private ConfigException error(String key, String message) {
    return new ConfigException(source + ": " + key + ": " + message);
  }
}
