package io.hoop.agent;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hoop-agent}: the entry point; one subcommand, {@code run}. */
@Command(
    name = "hoop-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    subcommands = {RunCommand.class},
    description = {
      "Runs beside targets in a private network the broker cannot reach: dials out to the"
          + " broker over TLS (no inbound port), proves itself with an admin-minted token, and"
          + " carries the broker's connections to the targets assigned to it (via: NAME in"
          + " broker.yaml)."
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  stopped (SIGTERM / Ctrl-C)",
      "  1  unexpected error",
      "  2  usage: a bad option or argument",
      "  3  the broker refused this agent (bad or revoked token, name not allowed)",
      "  4  the token file is unusable (missing, not 0600, empty)",
      "",
      "Example:",
      "  hoop-broker token create --principal agent:eu1 --ttl 24h   # on the broker",
      "  install -m 600 /dev/null /etc/hoop/agent.token   # then paste the token into it",
      "  hoop-agent run --broker https://broker.example:8443 --name eu1 \\",
      "      --token-file /etc/hoop/agent.token --fingerprint SHA256:..."
    })
public final class AgentMain implements Runnable {
  /** Exit code: stopped. */
  public static final int OK = 0;

  /** Exit code: unexpected error. */
  public static final int ERROR = 1;

  /** Exit code: usage. */
  public static final int USAGE = 2;

  /** Exit code: the broker refused the agent. */
  public static final int REFUSED = 3;

  /** Exit code: the token file is unusable. */
  public static final int TOKEN_FILE = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: run");
  }

  /** The version of this build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AgentMain.class.getPackage().getImplementationVersion();
      return new String[] {"hoop-agent " + (v == null ? "dev" : v)};
    }
  }

  /** Runs the command line and returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new AgentMain());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("hoop-agent: " + e.getMessage());
          return ERROR;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, args));
  }
}
