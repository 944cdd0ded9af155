package io.hoop.cli.commands;

import io.hoop.api.Principal;
import io.hoop.api.SessionResponse;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.DeviceAuthorization;
import io.hoop.cli.auth.LoginFlow;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.FederatedTokens;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hoop login}: signs in through the broker's identity provider (device flow, client
 * credentials) or with a workload's own token (federation).
 */
@Command(
    name = "login",
    description = {
      "Sign in to a broker. People use the OAuth device flow of the broker's identity",
      "provider; CI jobs and agents use a federated token (file, variable, or GitHub",
      "Actions, detected automatically) or OAuth client credentials.",
      "Each login makes a new key pair (dpop.jwk, mode 0600) the session is bound to;",
      "commands renew the session before it expires while the login allows it.",
      "On first contact the broker's certificate is shown and, once you confirm it,",
      "pinned in the profile."
    },
    footer = {
      "%nExamples:",
      "  hoop login --broker https://broker.example:8443",
      "  hoop login --broker https://127.0.0.1:8443 --fingerprint AB:CD:...:EF",
      "  hoop login --broker https://broker.example:8443 --ca-cert /etc/hoop/ca.pem",
      "  hoop login                     sign in again to the profile's broker",
      "  hoop login --profile staging --broker https://staging.example:8443",
      "  hoop login --client-id ci-bot --client-secret-file /run/secrets/hoop",
      "  hoop login --federated-token-file /var/run/secrets/tokens/hoop",
      "  hoop login --federated-token-env CI_JOB_JWT",
      "  hoop login --audience hoop     (in GitHub Actions: the job's OIDC token)"
    })
public final class LoginCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Option(
      names = "--broker",
      paramLabel = "URL",
      description = "Broker URL, e.g. https://broker.example:8443 (default: the profile's).")
  String broker;

  @ArgGroup(exclusive = true)
  Trust trust;

  /** At most one way of trusting the broker. */
  static final class Trust {
    @Option(
        names = "--fingerprint",
        paramLabel = "FP",
        description = "SHA-256 fingerprint of the broker's certificate to pin.")
    String fingerprint;

    @Option(
        names = "--ca-cert",
        paramLabel = "FILE",
        description = "PEM file of the CA that signed the broker's certificate.")
    String caCert;
  }

  @Option(
      names = "--client-id",
      paramLabel = "ID",
      description = "OAuth client id for client credentials (with --client-secret-file).")
  String clientId;

  @Option(
      names = "--client-secret-file",
      paramLabel = "FILE",
      description = "File holding the client secret; must be mode 0600 or 0400.")
  Path clientSecretFile;

  @Option(
      names = "--federated-token-file",
      paramLabel = "FILE",
      description =
          "Exchange the token in FILE (e.g. a Kubernetes projected service-account token);"
              + " re-read when the session is renewed.")
  Path federatedTokenFile;

  @Option(
      names = "--federated-token-env",
      paramLabel = "VAR",
      description = "Exchange the token in environment variable VAR.")
  String federatedTokenEnv;

  @Option(
      names = "--audience",
      paramLabel = "AUD",
      description =
          "Audience to request from GitHub Actions (default: the broker's, from its auth config).")
  String audience;

  @Option(
      names = "--device",
      description = "Use the device flow even where GitHub Actions is detected.")
  boolean device;

  @Option(
      names = "--no-browser",
      description = "Do not try to open the verification page in a browser.")
  boolean noBrowser;

  @Override
  public Integer call() throws InterruptedException {
    CliEnvironment env = hoop.environment();
    ProfileStore store = common.store(env);
    PrintWriter err = spec.commandLine().getErr();
    LoginSource workload = workloadSource(env);
    Profile trusted = new BrokerTrust(env, err).resolve(store, broker, fingerprint(), caCert());
    LoginFlow flow = new LoginFlow(Sleeper.REAL, env.clock());
    if (workload != null) {
      SessionResponse session =
          workload.method().equals(LoginSource.CLIENT_CREDENTIALS)
              ? flow.loginClientCredentials(store, trusted, clientId, clientSecretFile)
              : flow.loginFederated(store, trusted, workload);
      return printed(trusted, store, session);
    }
    ProgressLine progress = new ProgressLine(err, env.redraws());
    SessionResponse session =
        flow.login(
            store,
            trusted,
            new LoginFlow.Listener() {
              @Override
              public void userCode(DeviceAuthorization authorization) {
                announce(err, authorization);
              }

              @Override
              public void polling(Duration elapsed, Duration interval) {
                progress.update("Waiting for sign-in", elapsed);
              }
            });
    progress.done();
    return printed(trusted, store, session);
  }

  /** The outcome on stdout: one line, or with {@code -o json} the fields (never a token). */
  private int printed(Profile trusted, ProfileStore store, SessionResponse session) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      Principal p = session.principal();
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("broker", trusted.brokerUrl());
      view.put("profile", store.name());
      view.put("principal", p == null ? null : p.name());
      view.put("email", p == null ? null : p.email());
      view.put("groups", p == null || p.groups() == null ? List.of() : p.groups());
      view.put("loginMethod", p == null ? null : p.loginMethod());
      view.put("sessionExpiresAt", session.expiresAt());
      output.print(out, view);
      return ExitCodes.OK;
    }
    out.println(summary(trusted.brokerUrl(), session));
    out.flush();
    return ExitCodes.OK;
  }

  /** The non-interactive login the options ask for, or null for the device flow. */
  private LoginSource workloadSource(CliEnvironment env) {
    int modes =
        (clientId != null || clientSecretFile != null ? 1 : 0)
            + (federatedTokenFile != null ? 1 : 0)
            + (federatedTokenEnv != null ? 1 : 0)
            + (device ? 1 : 0);
    if (modes > 1) {
      throw new HoopException.Usage(
          "choose one way to log in: --client-id/--client-secret-file, --federated-token-file,"
              + " --federated-token-env or --device");
    }
    if (clientId != null || clientSecretFile != null) {
      if (clientId == null || clientSecretFile == null) {
        throw new HoopException.Usage(
            "client credentials need both --client-id ID and --client-secret-file FILE");
      }
      return new LoginSource(LoginSource.CLIENT_CREDENTIALS, clientId, null, null, null, null);
    }
    if (federatedTokenFile != null) {
      return new LoginSource(
          LoginSource.FEDERATED,
          null,
          null,
          federatedTokenFile.toAbsolutePath().toString(),
          null,
          null);
    }
    if (federatedTokenEnv != null) {
      if (env.get(federatedTokenEnv) == null) {
        throw new HoopException.Usage(
            "--federated-token-env " + federatedTokenEnv + ": the variable is not set or empty");
      }
      return new LoginSource(LoginSource.FEDERATED, null, null, null, federatedTokenEnv, null);
    }
    if (!device && FederatedTokens.inGithubActions(env)) {
      spec.commandLine()
          .getErr()
          .println("GitHub Actions detected: logging in with the job's OIDC token.");
      return new LoginSource(LoginSource.FEDERATED, null, null, null, null, audience);
    }
    if (audience != null) {
      throw new HoopException.Usage(
          "--audience applies to GitHub Actions tokens, but "
              + FederatedTokens.GITHUB_URL
              + " is not set (does the job have 'permissions: id-token: write'?)");
    }
    return null;
  }

  static String summary(String brokerUrl, SessionResponse session) {
    Principal p = session.principal();
    String groups =
        p == null || p.groups() == null || p.groups().isEmpty()
            ? "none"
            : String.join(", ", p.groups());
    return "Logged in to "
        + brokerUrl
        + " as "
        + (p == null ? "?" : p.name())
        + " (groups: "
        + groups
        + ")"
        + (p == null || p.loginMethod() == null ? "" : " with " + p.loginMethod())
        + ", session expires "
        + DurationFormat.local(session.expiresAt());
  }

  private void announce(PrintWriter err, DeviceAuthorization authorization) {
    err.println(
        "To sign in, open "
            + authorization.verificationUri()
            + " and enter code "
            + authorization.userCode());
    String complete = authorization.verificationUriComplete();
    if (complete != null) {
      err.println("  (or open " + complete + ")");
    }
    err.flush();
    if (!noBrowser) {
      Browser.tryOpen(
          hoop.environment(), complete != null ? complete : authorization.verificationUri());
    }
  }

  private String fingerprint() {
    return Optional.ofNullable(trust).map(t -> t.fingerprint).orElse(null);
  }

  private String caCert() {
    return Optional.ofNullable(trust).map(t -> t.caCert).orElse(null);
  }

  static void requireHttps(String url) {
    if (url == null || !url.regionMatches(true, 0, "https://", 0, 8)) {
      throw new HoopException.Usage(
          "broker URL '" + url + "' must start with https:// (the broker only speaks TLS)");
    }
  }
}
