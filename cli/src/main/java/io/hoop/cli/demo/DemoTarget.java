package io.hoop.cli.demo;

import io.hoop.cli.HoopException;
import io.hoop.cli.connect.ConnectionHints;
import io.hoop.cli.connect.LocalEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The demo's target: a throw-away PostgreSQL reached with psql, or an echo service. */
public final class DemoTarget {
  /** What the demo runs through the tunnel: who am I, masked rows, a blocked DROP, still there. */
  static final String SCRIPT =
      String.join(
          "\n",
          "select current_user;",
          "select * from customers order by id;",
          "drop table customers;",
          "select count(*) as customers_left from customers;",
          "");

  private final String type;
  private final int port;
  private final Path psql;
  private final Path passwordFile;

  DemoTarget(String type, int port, Path psql, Path passwordFile) {
    this.type = type;
    this.port = port;
    this.psql = psql;
    this.passwordFile = passwordFile;
  }

  public String name() {
    return DemoConfig.TARGET;
  }

  /** {@code postgres} or {@code tcp}. */
  public String type() {
    return type;
  }

  /** The target's own port (the broker dials it; the user goes through the tunnel). */
  public int port() {
    return port;
  }

  /** Whether statements through the tunnel are recorded as a session. */
  public boolean recordsSessions() {
    return type.equals("postgres");
  }

  public String description() {
    return type.equals("postgres")
        ? "PostgreSQL on 127.0.0.1:"
            + port
            + ": database "
            + DemoDatabase.DATABASE
            + ", table customers, role "
            + DemoDatabase.ROLE
            + " (SCRAM password in "
            + passwordFile
            + ", mode 0600: only the broker reads it)"
        : "initdb not found on PATH: using a built-in echo service on 127.0.0.1:" + port;
  }

  /** The broker config for this target. */
  String brokerConfig() {
    return type.equals("postgres") ? DemoConfig.postgres(port, passwordFile) : DemoConfig.tcp(port);
  }

  /**
   * Uses the target through the tunnel once and prints what came back; fails unless the broker
   * logged in as the application role and blocked the DROP.
   */
  public void exercise(int localPort, PrintWriter out, PrintWriter err) {
    if (type.equals("postgres")) {
      err.println("$ psql \"" + url(localPort) + "\" --echo-queries <<'SQL'");
      err.print(SCRIPT.indent(2));
      err.println("SQL");
      err.flush();
      // Not even ~/.pgpass: a file that does not exist, next to the broker's password file.
      String output =
          runPsql(psqlCommand(localPort), passwordFile.resolveSibling("no-pgpass"), SCRIPT);
      out.print(output);
      out.flush();
      if (!output.contains(" " + DemoDatabase.ROLE + "\n")) {
        throw new HoopException(
            "psql through the tunnel did not run as " + DemoDatabase.ROLE + ": " + oneLine(output));
      }
      if (!output.contains("blocked by guardrail")) {
        throw new HoopException(
            "the broker did not block 'drop table customers': " + oneLine(output));
      }
    } else {
      err.println("sending \"hello hoop\" through the tunnel");
      err.flush();
      out.println("echo service answered: " + echo(localPort, "hello hoop"));
      out.flush();
    }
  }

  /** Command lines the user can paste to use the tunnel. */
  public List<String> tryItCommands(int localPort) {
    return type.equals("postgres")
        ? List.of(
            "psql \"" + url(localPort) + "\"",
            "psql \""
                + url(localPort)
                + "\" -c \"select name, email, card, ssn, upper(email) from customers\"")
        : List.of("nc 127.0.0.1 " + localPort);
  }

  private static String url(int localPort) {
    return ConnectionHints.postgresUrl(LocalEndpoint.tcp(localPort), DemoDatabase.DATABASE);
  }

  private List<String> psqlCommand(int localPort) {
    return List.of(
        psql.toString(),
        "-X",
        "--echo-queries",
        "-v",
        "VERBOSITY=verbose",
        "-f",
        "-",
        url(localPort));
  }

  private static String oneLine(String output) {
    return output.strip().replace('\n', ' ');
  }

  private static String runPsql(List<String> command, Path pgpass, String script) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("PGCONNECT_TIMEOUT", "10");
      builder.environment().put("PSQLRC", "/dev/null");
      builder.environment().remove("PGPASSWORD");
      builder.environment().put("PGPASSFILE", pgpass.toString());
      Process p = builder.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(script.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HoopException("psql did not finish within 30 s through the tunnel");
      }
      if (p.exitValue() != 0) {
        throw new HoopException(
            "psql through the tunnel failed with exit code "
                + p.exitValue()
                + ": "
                + oneLine(output));
      }
      return output;
    } catch (IOException e) {
      throw new HoopException("cannot run psql: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HoopException("interrupted while psql ran", e);
    }
  }

  static String echo(int port, String message) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(10_000);
      OutputStream o = socket.getOutputStream();
      o.write((message + "\n").getBytes(StandardCharsets.UTF_8));
      o.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw new HoopException("the tunnel closed before the echo service answered");
      }
      return line;
    } catch (IOException e) {
      throw new HoopException(
          "cannot talk to the echo service through the tunnel: " + e.getMessage(), e);
    }
  }
}
