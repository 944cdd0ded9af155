package io.hoop.cli.ssh;

import static java.util.Objects.requireNonNull;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code ProxyCommand} value that makes OpenSSH reach the broker through {@link ProxyRelay}:
 * the running JVM's {@code java} with start-up options for a short-lived process, the class path
 * entry that holds the relay (the hoop jar, or the classes directory in a build), the relay's class
 * and the socket. Every word is quoted for the shell ssh runs it with, and {@code %} is doubled:
 * ssh expands {@code %h}-style tokens in it.
 */
public final class ProxyCommand {
  /**
   * A JVM for a relay of bytes: class data sharing, no optimizing compiler, the serial collector
   * and a small heap start it in well under a second.
   */
  static final List<String> JVM_OPTIONS =
      List.of(
          "-Xshare:auto",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xmx32m",
          "-XX:-UsePerfData");

  private ProxyCommand() {}

  /** The ProxyCommand for {@code socket}, run by this JVM's {@code java}. */
  public static String forSocket(Path socket) {
    return of(Path.of(System.getProperty("java.home"), "bin", "java"), relayClassPath(), socket);
  }

  /** The ProxyCommand running {@code java} with {@code classPath} for {@code socket}. */
  static String of(Path java, Path classPath, Path socket) {
    requireNonNull(java, "java");
    requireNonNull(classPath, "classPath");
    requireNonNull(socket, "socket");
    StringBuilder b = new StringBuilder(word(java.toString()));
    for (String option : JVM_OPTIONS) {
      b.append(' ').append(option);
    }
    return b.append(" -cp ")
        .append(word(classPath.toString()))
        .append(' ')
        .append(ProxyRelay.class.getName())
        .append(' ')
        .append(word(socket.toString()))
        .toString();
  }

  /** Where the relay's class was loaded from. */
  static Path relayClassPath() {
    try {
      return Path.of(ProxyRelay.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot tell where hoop's classes are loaded from, for ssh's ProxyCommand", e);
    }
  }

  /** One shell word, single-quoted when needed, with {@code %} doubled for ssh. */
  static String word(String s) {
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "a path for ssh's ProxyCommand contains a line break or NUL: " + s.strip());
    }
    return SshConfigText.shellArgument(s).replace("%", "%%");
  }
}
