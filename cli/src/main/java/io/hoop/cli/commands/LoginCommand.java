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
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop login}: signs in through the broker's identity provider (device flow). */
@Command(
    name = "login",
    description = {
      "Sign in to a broker with your identity provider (OAuth device flow).",
      "On first contact the broker's certificate is shown and, once you confirm it,",
      "pinned in the profile."
    },
    footer = {
      "%nExamples:",
      "  hoop login --broker https://broker.example:8443",
      "  hoop login --broker https://127.0.0.1:8443 --fingerprint AB:CD:...:EF",
      "  hoop login --broker https://broker.example:8443 --ca-cert /etc/hoop/ca.pem",
      "  hoop login                     sign in again to the profile's broker"
    })
public final class LoginCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

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
      names = "--no-browser",
      description = "Do not try to open the verification page in a browser.")
  boolean noBrowser;

  @Override
  public Integer call() throws InterruptedException {
    CliEnvironment env = hoop.environment();
    ProfileStore store = common.store(env);
    PrintWriter err = spec.commandLine().getErr();
    Profile trusted = new BrokerTrust(env, err).resolve(store, broker, fingerprint(), caCert());
    ProgressLine progress = new ProgressLine(err, env.stderrTerminal());
    SessionResponse session =
        new LoginFlow(Sleeper.REAL, env.clock())
            .login(
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
    PrintWriter out = spec.commandLine().getOut();
    out.println(summary(trusted.brokerUrl(), session));
    out.flush();
    return ExitCodes.OK;
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
        + "), session expires "
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
