package io.hoop.broker.config;

import java.util.List;

/**
 * An invalid configuration file. Each problem names the file, the key and what was expected ({@code
 * broker.yaml: targets[1].address: 'db' is not host:port}); {@link #located()} gives the same
 * problems placed at the key's line and column ({@code broker.yaml:12:7: targets[1]...}), as {@code
 * hoop-broker check-config} prints them.
 */
public final class ConfigException extends Exception {
  private final List<String> problems;
  private final List<String> located;

  public ConfigException(String message) {
    this(List.of(message), List.of(message));
  }

  /**
   * @param problems every problem found, one line each; the message lists them one per line
   * @param located the same problems, each with the line and column of its key where known
   */
  public ConfigException(List<String> problems, List<String> located) {
    super(String.join("\n", problems));
    if (problems.isEmpty() || problems.size() != located.size()) {
      throw new IllegalArgumentException("a config error needs its problems, each located");
    }
    this.problems = List.copyOf(problems);
    this.located = List.copyOf(located);
  }

  /** The problems, one line each. */
  public List<String> problems() {
    return problems;
  }

  /** The problems placed at the line and column of their key, where it is in the file. */
  public List<String> located() {
    return located;
  }
}
