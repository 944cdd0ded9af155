package io.hoop.broker;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of {@code hoop-broker}: its exit code, stdout and stderr. */
record CliResult(int code, String out, String err) {

  /** Runs {@code hoop-broker} with these arguments and the real error handling. */
  static CliResult run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = BrokerMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new CliResult(code, out.toString(), err.toString());
  }
}
