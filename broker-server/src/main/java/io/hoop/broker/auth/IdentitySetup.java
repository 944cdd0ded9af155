package io.hoop.broker.auth;

import io.hoop.api.AuthConfig;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.DevIdpConfig;
import io.hoop.broker.config.IdentityConfig;
import io.hoop.broker.http.Route;
import io.hoop.broker.identity.OidcValidator;
import io.hoop.broker.identity.devidp.DevClient;
import io.hoop.broker.identity.devidp.DevIdentityProvider;
import io.hoop.broker.identity.devidp.DevUser;
import io.hoop.broker.token.OnceIds;
import io.hoop.broker.util.SecureFiles;
import io.hoop.tunnel.tls.IssuerTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * Builds the broker's logins from config: the configured IdP (or, in dev mode, the embedded dev IdP
 * with its machine clients, including a generated {@code ci-bot}), the machine clients allowed to
 * log in with client credentials, and the federation issuers.
 *
 * @param gateway turns presented tokens into principals
 * @param authConfig what {@code GET /v1/auth/config} tells the CLI
 * @param devRoutes the dev IdP's routes; empty outside dev mode
 * @param devIdp the embedded dev IdP, whose users a config reload updates; empty outside dev mode
 */
public record IdentitySetup(
    IdentityGateway gateway,
    AuthConfig authConfig,
    Map<String, Route> devRoutes,
    Optional<DevIdentityProvider> devIdp) {
  /** The client the dev broker generates, so CI flows can be tried without any config. */
  public static final String DEV_CI_CLIENT = "ci-bot";

  /**
   * @param url the broker's public URL (the dev IdP lives under it)
   * @param selfTrust trusts the broker's own certificate, for fetching the dev IdP's keys
   * @param onceIds where exchanged ID tokens are claimed beyond this broker's memory (replicas)
   */
  public static IdentitySetup build(
      BrokerConfig config,
      boolean dev,
      String url,
      SSLContext selfTrust,
      Path dataDir,
      Clock clock,
      OnceIds onceIds)
      throws IOException {
    IdentityConfig ic = config.identity().orElse(IdentityConfig.DEV_DEFAULTS);
    Federation federation = new Federation(ic.federation(), ic.jwksMaxAge(), clock);
    if (dev) {
      DevIdpConfig d = config.devIdp();
      List<DevClient> clients = new ArrayList<>();
      d.clients().forEach(c -> clients.add(new DevClient(c.id(), c.secret(), c.groups())));
      if (clients.stream().noneMatch(c -> c.id().equals(DEV_CI_CLIENT))) {
        clients.add(new DevClient(DEV_CI_CLIENT, ciBotSecret(dataDir), List.of("ci")));
      }
      DevIdentityProvider idp =
          new DevIdentityProvider(
              url + DevIdentityProvider.PATH,
              d.clientId(),
              devUsers(d),
              clients,
              d.codeTtl(),
              d.pollInterval(),
              clock);
      idp.updateUsers(devUsers(d), disabledUsers(d));
      OidcValidator v =
          new OidcValidator(
              idp.issuer(),
              d.clientId(),
              selfTrust,
              IdentityConfig.DEFAULT_USERNAME_CLAIM,
              IdentityConfig.DEFAULT_GROUPS_CLAIM,
              OidcValidator.DEFAULT_CLOCK_SKEW,
              clock,
              ic.jwksMaxAge());
      return new IdentitySetup(
          new Identities(
              v,
              new MachineTokenRule(
                  ic.machineClaims(), devMachineClients(ic, d.clientId(), clients), d.clientId()),
              federation,
              new IdTokenReplay(
                  clock,
                  OidcValidator.DEFAULT_CLOCK_SKEW,
                  IdTokenReplay.DEFAULT_CAPACITY,
                  IdTokenReplay.DEFAULT_PER_SUBJECT,
                  onceIds),
              clock),
          new AuthConfig(
              idp.issuer(),
              d.clientId(),
              List.of("openid", "profile", "email", "offline_access"),
              true,
              federated(ic)),
          idp.routes(),
          Optional.of(idp));
    }
    String issuer =
        ic.issuer().orElseThrow(() -> new IllegalStateException("identity.issuer missing"));
    // A private CA is trusted for this issuer's own fetches only, never JVM-wide.
    String caPem = ic.caFile().map(IssuerTrust::readPem).orElse(null);
    OidcValidator v =
        new OidcValidator(
            issuer,
            ic.clientId(),
            caPem == null ? null : IssuerTrust.defaultsPlus(caPem),
            ic.usernameClaim(),
            ic.groupsClaim(),
            OidcValidator.DEFAULT_CLOCK_SKEW,
            clock,
            ic.jwksMaxAge());
    return new IdentitySetup(
        new Identities(
            v,
            new MachineTokenRule(ic.machineClaims(), listed(ic), ic.clientId()),
            federation,
            new IdTokenReplay(
                clock,
                OidcValidator.DEFAULT_CLOCK_SKEW,
                IdTokenReplay.DEFAULT_CAPACITY,
                IdTokenReplay.DEFAULT_PER_SUBJECT,
                onceIds),
            clock),
        new AuthConfig(issuer, ic.clientId(), ic.scopes(), false, federated(ic), caPem),
        Map.of(),
        Optional.empty());
  }

  /** The dev IdP's users as configured (disabled ones included, so they are told apart). */
  public static List<DevUser> devUsers(DevIdpConfig d) {
    return d.users().stream().map(u -> new DevUser(u.username(), u.email(), u.groups())).toList();
  }

  /** Names of the dev IdP's disabled users. */
  public static Set<String> disabledUsers(DevIdpConfig d) {
    return d.users().stream()
        .filter(DevIdpConfig.DevUserConfig::disabled)
        .map(DevIdpConfig.DevUserConfig::username)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static Set<String> listed(IdentityConfig ic) {
    Set<String> ids = new LinkedHashSet<>();
    ic.machineClients().forEach(c -> ids.add(c.clientId()));
    return ids;
  }

  /**
   * In dev mode {@code identity.machineClients} defaults to the dev IdP's own clients (its {@code
   * devIdp.clients} and {@code ci-bot}), never its interactive client.
   */
  static Set<String> devMachineClients(
      IdentityConfig ic, String interactiveClientId, List<DevClient> devClients) {
    if (!ic.machineClients().isEmpty()) {
      return listed(ic);
    }
    Set<String> ids = new LinkedHashSet<>();
    for (DevClient c : devClients) {
      if (!c.id().equals(interactiveClientId)) {
        ids.add(c.id());
      }
    }
    return ids;
  }

  private static List<AuthConfig.FederatedIssuer> federated(IdentityConfig ic) {
    return ic.federation().stream()
        .map(f -> new AuthConfig.FederatedIssuer(f.name(), f.issuer(), f.audience()))
        .toList();
  }

  /** Reads {@code <dataDir>/dev-idp/ci-bot.secret}, creating it (mode 0600) on first start. */
  static String ciBotSecret(Path dataDir) throws IOException {
    Path file = dataDir.resolve("dev-idp").resolve(DEV_CI_CLIENT + ".secret");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    SecureFiles.writePrivate(file, secret.getBytes(StandardCharsets.UTF_8));
    return secret;
  }
}
