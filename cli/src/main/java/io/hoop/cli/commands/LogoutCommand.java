package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.ConfigDirs;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.DpopKey;
import io.hoop.cli.identity.LiveCredentials;
import io.hoop.cli.identity.Renewer;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hoop logout}: revokes the profile's broker session and deletes its credentials and key.
 */
@Command(
    name = "logout",
    description = {
      "Sign out: end the session at the broker and the identity provider.",
      "Revokes the broker session and the refresh token (RFC 7009), and deletes the",
      "profile's credentials and key (the broker URL and pin are kept). Works offline:",
      "when the broker or the provider cannot be reached the local login is deleted",
      "anyway, with a warning. Open tunnels keep running until their grant ends."
    },
    footer = {
      "%nExamples:",
      "  hoop logout",
      "  hoop logout --profile staging",
      "  hoop logout --all              every profile"
    })
public final class LogoutCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Option(names = "--all", description = "Log out of every profile.")
  boolean all;

  @Override
  public Integer call() {
    CliEnvironment env = hoop.environment();
    PrintWriter err = spec.commandLine().getErr();
    if (env.get(BrokerSession.TOKEN_ENV) != null) {
      err.println(
          "note: HOOP_TOKEN is set; it is not stored anywhere, unset it (an admin revokes it"
              + " with hoop-broker token revoke ID)");
    }
    List<ProfileStore> stores =
        all
            ? ConfigDirs.profileNames(env).stream()
                .map(n -> new ProfileStore(ConfigDirs.profileDir(env, n), n, env))
                .toList()
            : List.of(common.store(env));
    if (stores.isEmpty()) {
      err.println("No profiles; nothing to do.");
    }
    List<Map<String, Object>> outcomes = new ArrayList<>();
    for (ProfileStore store : stores) {
      outcomes.add(logout(store, env, err));
    }
    err.flush();
    if (output.json()) {
      output.print(spec.commandLine().getOut(), Map.of("profiles", outcomes));
    }
    return ExitCodes.OK;
  }

  /**
   * Logs one profile out; returns what happened, the fields of {@code -o json}: {@code profile},
   * {@code broker}, {@code wasLoggedIn}, {@code brokerSessionRevoked} and {@code
   * refreshTokenRevoked} (null when there was none to revoke).
   */
  private static Map<String, Object> logout(
      ProfileStore store, CliEnvironment env, PrintWriter err) {
    Optional<Credentials> credentials = store.credentials();
    Optional<Profile> profile = store.profile();
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("profile", store.name());
    outcome.put("broker", profile.map(Profile::brokerUrl).orElse(null));
    outcome.put("wasLoggedIn", credentials.isPresent());
    if (credentials.isEmpty()) {
      store.deleteLogin();
      err.println("Not logged in (profile " + store.name() + "); nothing to do.");
      return outcome;
    }
    String broker = profile.map(Profile::brokerUrl).orElse("?");
    boolean session = false;
    Boolean refresh = null;
    if (profile.isPresent()) {
      session = revoke(store, profile.get(), credentials.get(), env, err);
      refresh = revokeAtIdp(store, profile.get(), credentials.get(), env, err);
    }
    store.deleteLogin();
    err.println("Logged out of " + broker + " (profile " + store.name() + ").");
    outcome.put("brokerSessionRevoked", session);
    outcome.put("refreshTokenRevoked", refresh);
    return outcome;
  }

  /**
   * The IdP's refresh token too (RFC 7009): otherwise a copy of credentials.json keeps minting
   * sessions. A failure is shown; the local login is deleted anyway.
   */
  private static Boolean revokeAtIdp(
      ProfileStore store, Profile profile, Credentials c, CliEnvironment env, PrintWriter err) {
    if (c.refreshToken() == null) {
      return null;
    }
    DpopKey key;
    try {
      key = store.key().orElse(null);
    } catch (RuntimeException e) {
      key = null;
    }
    try {
      new Renewer(store, profile, BrokerTls.of(profile), env.clock()).revokeRefreshToken(c, key);
      return true;
    } catch (HoopException | java.io.UncheckedIOException e) {
      err.println(
          "warning: could not revoke the refresh token at the identity provider ("
              + e.getMessage()
              + "); deleted it locally");
      return false;
    }
  }

  /** Best effort: a session that is expired, revoked or unreachable still gets deleted locally. */
  private static boolean revoke(
      ProfileStore store, Profile profile, Credentials c, CliEnvironment env, PrintWriter err) {
    if (c.sessionExpiresAt() != null && !env.clock().instant().isBefore(c.sessionExpiresAt())) {
      return false;
    }
    DpopKey key;
    try {
      key =
          c.keyThumbprint() == null
              ? null
              : store.key().filter(k -> k.thumbprint().equals(c.keyThumbprint())).orElse(null);
    } catch (HoopException e) {
      // A key others could read is not used, not even to revoke: say what stays valid.
      err.println(
          "warning: "
              + e.getMessage().replaceFirst(": run .*$", "")
              + "; the session at the broker ends by itself"
              + (c.sessionExpiresAt() == null
                  ? ""
                  : " at " + DurationFormat.local(c.sessionExpiresAt())));
      return false;
    }
    try {
      if (c.keyThumbprint() != null && key == null) {
        err.println(
            "warning: the key of profile "
                + store.name()
                + " is missing, so the session cannot be revoked; it ends by itself at "
                + DurationFormat.local(c.sessionExpiresAt()));
        return false;
      }
      BrokerTls tls = BrokerTls.of(profile);
      new BrokerClient(
              profile.brokerUrl(), tls.transport(), new LiveCredentials(c, key, env.clock()))
          .logout();
      return true;
    } catch (HoopException.NotLoggedIn e) {
      // Already revoked or expired at the broker: nothing left to revoke.
      return false;
    } catch (HoopException e) {
      err.println(
          "warning: could not revoke the session at "
              + profile.brokerUrl()
              + " ("
              + e.getMessage()
              + "); deleted it locally, it stays valid at the broker until "
              + (c.sessionExpiresAt() == null
                  ? "it expires"
                  : DurationFormat.local(c.sessionExpiresAt())));
      return false;
    }
  }
}
