package io.hoop.engine.kubernetes.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs kubectl ({@code KUBECTL} from the environment, else {@code kubectl} on the PATH: Debian's
 * kubernetes-client in CI) with a kubeconfig, its discovery cache and HOME under the test's
 * directory, stdout and stderr to files.
 */
final class Kubectl {
  private static final AtomicInteger RUNS = new AtomicInteger();

  private Kubectl() {}

  record Result(int exit, String out, String err) {}

  record Running(Process process, Path stdout, Path stderr) {
    String out() throws IOException {
      return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }
  }

  static String binary() {
    String env = System.getenv("KUBECTL");
    return env == null || env.isBlank() ? "kubectl" : env;
  }

  static Running start(Path dir, Path kubeconfig, String... args) throws IOException {
    return start(
        dir,
        command(dir, kubeconfig, args),
        ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
  }

  /** kubectl's command line with the test's kubeconfig and cache. */
  static List<String> command(Path dir, Path kubeconfig, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary());
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + dir.resolve("kube-cache"));
    command.add("--request-timeout=0");
    command.addAll(List.of(args));
    return command;
  }

  /** Runs {@code command} (kubectl's, or a wrapper's such as {@code script}) with {@code stdin}. */
  static Running start(Path dir, List<String> command, ProcessBuilder.Redirect stdin)
      throws IOException {
    int n = RUNS.incrementAndGet();
    Path out = dir.resolve("kubectl-" + n + ".out");
    Path err = dir.resolve("kubectl-" + n + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(stdin);
    pb.environment().put("HOME", dir.toString());
    pb.environment().remove("KUBECONFIG");
    return new Running(pb.start(), out, err);
  }

  static Result run(Path dir, Path kubeconfig, List<String> args) throws Exception {
    return finish(start(dir, kubeconfig, args.toArray(new String[0])), args);
  }

  /** Runs kubectl with {@code input} as its standard input. */
  static Result run(Path dir, Path kubeconfig, String input, String... args) throws Exception {
    Path in = dir.resolve("kubectl-" + RUNS.incrementAndGet() + ".in");
    Files.writeString(in, input);
    return finish(
        start(dir, command(dir, kubeconfig, args), ProcessBuilder.Redirect.from(in.toFile())),
        List.of(args));
  }

  static Result finish(Running r, List<String> args) throws Exception {
    if (!r.process().waitFor(60, TimeUnit.SECONDS)) {
      r.process().destroyForcibly();
      throw new AssertionError("kubectl " + args + " did not finish in 60 s: " + r.err());
    }
    return new Result(r.process().exitValue(), r.out(), r.err());
  }
}
