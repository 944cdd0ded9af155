package io.hoop.cli.demo;

import io.hoop.cli.HoopException;
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
  private final String type;
  private final int port;
  private final Path psql;

  DemoTarget(String type, int port, Path psql) {
    this.type = type;
    this.port = port;
    this.psql = psql;
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

  public String description() {
    return type.equals("postgres")
        ? "PostgreSQL running on 127.0.0.1:" + port + " (trust authentication, throw-away)"
        : "initdb not found on PATH: using a built-in echo service on 127.0.0.1:" + port;
  }

  /** Uses the target through the tunnel once and prints what came back. */
  public void exercise(int localPort, PrintWriter out, PrintWriter err) {
    if (type.equals("postgres")) {
      List<String> command = psqlCommand(localPort, "select current_user, now(), version()");
      err.println(
          "$ "
              + String.join(" ", command.subList(0, command.size() - 1))
              + " \""
              + command.get(command.size() - 1)
              + "\"");
      err.flush();
      runPsql(command, out);
    } else {
      err.println("sending \"hello hoop\" through the tunnel");
      err.flush();
      out.println("echo service answered: " + echo(localPort, "hello hoop"));
      out.flush();
    }
  }

  /** A command line the user can paste to use the tunnel. */
  public String tryItCommand(int localPort) {
    return type.equals("postgres")
        ? "psql \"host=127.0.0.1 port=" + localPort + " user=postgres dbname=postgres\""
        : "nc 127.0.0.1 " + localPort;
  }

  private List<String> psqlCommand(int localPort, String sql) {
    return List.of(
        psql.toString(),
        "-h",
        "127.0.0.1",
        "-p",
        Integer.toString(localPort),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        sql);
  }

  private static void runPsql(List<String> command, PrintWriter out) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("PGCONNECT_TIMEOUT", "10");
      builder.environment().put("PSQLRC", "/dev/null");
      Process p = builder.start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HoopException("psql did not finish within 30 s through the tunnel");
      }
      out.print(output);
      out.flush();
      if (p.exitValue() != 0) {
        throw new HoopException(
            "psql through the tunnel failed with exit code "
                + p.exitValue()
                + ": "
                + output.strip().replace('\n', ' '));
      }
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
