package io.hoop.cli;

import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the CLI reads from its process, injected so tests can run it in-process.
 *
 * @param env environment variables (never read through {@code System.getenv()} elsewhere)
 * @param stdin standard input, for prompts
 * @param interactive whether stdin is a terminal, so prompting makes sense
 * @param stderrTerminal whether stderr is a terminal, so {@code \r} progress lines make sense
 * @param stdoutTerminal whether stdout is a terminal, so colours may be used (see {@link #colour})
 * @param clock wall clock for expiry countdowns
 * @param installSignalHandlers whether {@code hoop connect} may take over SIGINT (only in a real
 *     process, never inside a test JVM)
 */
public record CliEnvironment(
    Map<String, String> env,
    InputStream stdin,
    boolean interactive,
    boolean stderrTerminal,
    boolean stdoutTerminal,
    Clock clock,
    boolean installSignalHandlers) {

  public CliEnvironment {
    env = Map.copyOf(Objects.requireNonNull(env, "env"));
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(clock, "clock");
  }

  /**
   * The real process: {@code System.getenv()}, the system clock, and which of stdin, stdout and
   * stderr are terminals. Java cannot ask that of one stream; the launcher can ({@code [ -t 2 ]})
   * and says it in {@code -Dhoop.tty}, the numbers of the descriptors that are terminals (e.g.
   * {@code 012}, or empty). Started without the launcher, the console stands for all three.
   */
  public static CliEnvironment ofProcess() {
    String tty = System.getProperty("hoop.tty");
    boolean console = System.console() != null;
    boolean in = tty == null ? console : tty.indexOf('0') >= 0;
    boolean out = tty == null ? console : tty.indexOf('1') >= 0;
    boolean err = tty == null ? console : tty.indexOf('2') >= 0;
    return new CliEnvironment(System.getenv(), System.in, in, err, out, Clock.systemUTC(), true);
  }

  /** A non-interactive environment for in-process runs (tests, the demo). */
  public static CliEnvironment of(Map<String, String> env) {
    return new CliEnvironment(
        env, InputStream.nullInputStream(), false, false, false, Clock.systemUTC(), false);
  }

  /**
   * Where a wrapped command's standard input comes from: hoop's own when hoop runs as its own
   * process, else nothing. An in-process run (a test JVM, the demo) has no stdin to share: the
   * JVM's is not hoop's (under surefire it is the runner's command channel, which OpenSSH would
   * switch to non-blocking).
   */
  public ProcessBuilder.Redirect childInput() {
    return stdin == System.in
        ? ProcessBuilder.Redirect.INHERIT
        : ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));
  }

  /** The value of an environment variable, or null when unset or blank. */
  public String get(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  /** A copy with some variables replaced. */
  public CliEnvironment with(Map<String, String> overrides) {
    Map<String, String> merged = new java.util.HashMap<>(env);
    merged.putAll(overrides);
    return new CliEnvironment(
        merged, stdin, interactive, stderrTerminal, stdoutTerminal, clock, installSignalHandlers);
  }

  /**
   * Whether progress may redraw its line on stderr ({@code \r}, erase to end of line): only on a
   * terminal that understands it, so {@code 2>file} and {@code TERM=dumb} get plain lines.
   */
  public boolean redraws() {
    return stderrTerminal && !"dumb".equals(get("TERM"));
  }

  /**
   * Whether stdout gets colours: only on a terminal, never with {@code NO_COLOR} set (any non-empty
   * value, https://no-color.org) or {@code TERM=dumb}.
   */
  public boolean colour() {
    return stdoutTerminal && get("NO_COLOR") == null && !"dumb".equals(get("TERM"));
  }
}
