package io.hoop.cli.commands;

import io.hoop.api.Principal;
import io.hoop.api.WhoAmI;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.config.RenewalFailure;
import io.hoop.cli.identity.DpopKey;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop whoami}: who the broker thinks you are, and how you logged in. */
@Command(
    name = "whoami",
    description = {
      "Show who you are logged in as.",
      "The principal of the current session, its groups, how it logged in, when the",
      "session expires, the profile and broker, the thumbprint of the key the session",
      "is bound to, and a failed renewal of the session (the identity provider refused",
      "it: access ends when the session expires). Exits 6 when not logged in."
    },
    footer = {
      "%nExamples:",
      "  hoop whoami",
      "  hoop whoami -o json",
      "  hoop whoami --profile staging",
      "  HOOP_TOKEN=... HOOP_BROKER=https://broker:8443 hoop whoami"
    })
public final class WhoamiCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    BrokerSession session = BrokerSession.open(common.store(hoop.environment()), clock());
    WhoAmI who;
    String offline = null;
    try {
      who = session.client().whoami();
    } catch (HoopException.Unreachable e) {
      if (session.fromTokenEnvironment()) {
        throw e;
      }
      // What the profile saved at login: enough to say who you are, not your groups today.
      offline = e.getMessage();
      who =
          new WhoAmI(
              new Principal(session.credentials().principal(), null, List.of(), null),
              null,
              null,
              null);
      spec.commandLine()
          .getErr()
          .println("hoop: offline: " + offline + "; showing the login saved in the profile");
    } catch (HoopException.NotLoggedIn e) {
      // The session ran out because the IdP refused its renewal: say so, not just "expired".
      Optional<RenewalFailure> failure =
          session.live().renewalFailure().or(() -> storedFailure(session));
      if (failure.isEmpty()) {
        throw e;
      }
      throw new HoopException.NotLoggedIn(
          e.getMessage().replaceFirst("; run hoop login.*$", "")
              + "; it could not be renewed ("
              + failure.get().reason()
              + "); run "
              + session.store().loginCommand());
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> view = view(session, who, clock().instant());
    view.put("offline", offline != null);
    if (output.json()) {
      output.print(out, view);
      return ExitCodes.OK;
    }
    Instant expires = who.sessionExpiresAt();
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("principal", text(view.get("principal")));
    rows.put("email", text(view.get("email")));
    rows.put("groups", text(view.get("groups")));
    rows.put("login method", text(view.get("loginMethod")));
    rows.put("profile", text(view.get("profile")));
    rows.put("broker", text(view.get("broker")));
    rows.put(
        "session expires",
        expires == null
            ? "-"
            : DurationFormat.local(expires)
                + " ("
                + DurationFormat.relative(expires, clock().instant())
                + ")");
    rows.put("bound key", text(view.get("keyThumbprint")));
    if (offline != null) {
      rows.put("checked", "no: the broker is unreachable; this is the profile's saved login");
    }
    if (view.get("renewalError") != null) {
      rows.put(
          "renewal",
          "FAILED at "
              + DurationFormat.local((Instant) view.get("renewalFailedAt"))
              + ": "
              + view.get("renewalError")
              + " (access ends when the session expires; run "
              + session.store().loginCommand()
              + ")");
    }
    rows.forEach((k, v) -> out.printf("%-16s %s%n", k, v));
    out.flush();
    return ExitCodes.OK;
  }

  /** The fields of both outputs; JSON keys are stable for scripts. */
  static Map<String, Object> view(BrokerSession session, WhoAmI who, Instant now) {
    Principal p = who.principal();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("principal", p == null ? null : p.name());
    view.put("email", p == null ? null : p.email());
    view.put("groups", p == null || p.groups() == null ? List.of() : p.groups());
    String method = p == null || p.loginMethod() == null ? null : p.loginMethod();
    view.put("loginMethod", method != null ? method : session.credentials().loginMethod());
    view.put("issuer", who.issuer());
    Instant expires =
        who.sessionExpiresAt() != null
            ? who.sessionExpiresAt()
            : session.credentials().sessionExpiresAt();
    view.put("sessionExpiresAt", expires);
    view.put(
        "sessionRemainingSeconds",
        expires == null ? null : Math.max(0, Duration.between(now, expires).toSeconds()));
    view.put("profile", session.fromTokenEnvironment() ? "(HOOP_TOKEN)" : session.store().name());
    view.put("broker", session.profile().brokerUrl());
    String thumbprint =
        who.keyThumbprint() != null
            ? who.keyThumbprint()
            : session.live().key().map(DpopKey::thumbprint).orElse(null);
    view.put("keyThumbprint", thumbprint);
    RenewalFailure failure =
        session.live().renewalFailure().orElseGet(() -> storedFailure(session).orElse(null));
    view.put("renewalFailedAt", failure == null ? null : failure.at());
    view.put("renewalError", failure == null ? null : failure.reason());
    return view;
  }

  private static Optional<RenewalFailure> storedFailure(BrokerSession session) {
    return session.fromTokenEnvironment() ? Optional.empty() : session.store().renewalFailure();
  }

  private static String text(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof List<?> list) {
      return list.isEmpty() ? "-" : String.join(", ", list.stream().map(String::valueOf).toList());
    }
    return value.toString();
  }

  private java.time.Clock clock() {
    return hoop.environment().clock();
  }
}
