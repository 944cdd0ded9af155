package io.hoop.cli.ssh;

import io.hoop.cli.HoopException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The text of the files OpenSSH reads for a grant: the known_hosts line of the broker's per-target
 * host key and the {@code Host} block. Pure, so every quoting rule is unit-tested.
 */
public final class SshConfigText {
  /** The loopback address the local port listens on. */
  public static final String HOST = "127.0.0.1";

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,62}");
  private static final Pattern KEY_TYPE = Pattern.compile("[a-z0-9][a-z0-9@.-]{2,63}");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{16,16384}={0,2}");

  private SshConfigText() {}

  /**
   * The port written in the files of a connection made through a ProxyCommand, where it is not
   * used: ssh looks the host key up under {@code HostKeyAlias} (the alias, which the pinned line
   * names too) and connects through the command.
   */
  public static final int PROXIED_PORT = 22;

  /**
   * The {@code Host} alias of a target: its name when ssh_config and known_hosts take it as it is
   * (letters, digits, {@code . _ -}, not starting with {@code -} or {@code .}), otherwise {@code
   * hoop-} and the name with every other character as {@code _}, so a pattern character such as
   * {@code *}, {@code !} or a space can never widen what the block matches.
   */
  public static String alias(String target) {
    if (PLAIN_NAME.matcher(target).matches()) {
      return target;
    }
    StringBuilder b = new StringBuilder("hoop-");
    target
        .codePoints()
        .limit(58)
        .forEach(
            c ->
                b.append(
                    c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-')
                        ? (char) c
                        : '_'));
    return b.toString();
  }

  /** A user name safe on a command line and in ssh_config, else {@code hoop}. */
  public static String user(String sshUser) {
    return sshUser != null && PLAIN_NAME.matcher(sshUser).matches() ? sshUser : "hoop";
  }

  /**
   * The broker's host key line as {@code type base64}, comment dropped.
   *
   * @throws HoopException when it is not one OpenSSH public key
   */
  public static String hostKey(String line) {
    if (line == null) {
      throw new HoopException(
          "broker sent no SSH host key for the target; cannot pin it (is the broker older than"
              + " its ssh engine?)");
    }
    String[] parts = line.strip().split("[ \t]+");
    if (parts.length < 2
        || !KEY_TYPE.matcher(parts[0]).matches()
        || !BASE64.matcher(parts[1]).matches()) {
      throw new HoopException(
          "broker's SSH host key for the target is not an OpenSSH public key line (expected"
              + " 'ssh-ed25519 AAAA...'); refusing to trust it");
    }
    return parts[0] + " " + parts[1];
  }

  /** The known_hosts line: {@code [127.0.0.1]:P,ALIAS TYPE KEY}. */
  public static String knownHostsLine(int port, String alias, String hostKey) {
    return "[" + HOST + "]:" + port + "," + alias + " " + hostKey(hostKey) + "\n";
  }

  /**
   * The {@code Host ALIAS} block that points OpenSSH at the local port with the grant's key and
   * known_hosts; file names are quoted and their {@code %} doubled, as ssh_config expands tokens.
   */
  public static String hostBlock(
      String alias, int port, String user, Path identity, Path knownHosts) {
    return "Host "
        + alias
        + "\n"
        + "  HostName "
        + HOST
        + "\n"
        + "  Port "
        + port
        + "\n"
        + "  User "
        + user
        + "\n"
        + "  IdentityFile "
        + pathValue(identity)
        + "\n"
        + "  IdentitiesOnly yes\n"
        + "  UserKnownHostsFile "
        + pathValue(knownHosts)
        + "\n"
        + "  StrictHostKeyChecking yes\n"
        + "  UpdateHostKeys no\n"
        + "  ProxyCommand none\n"
        + "  ProxyJump none\n"
        + "  ControlPath none\n"
        + "  ForwardAgent no\n"
        + "  ForwardX11 no\n";
  }

  /**
   * A file name as an ssh_config value: double-quoted, {@code %} doubled. A name with a double
   * quote or a line break cannot be written safely there and is refused.
   */
  static String pathValue(Path path) {
    String s = path.toString();
    if (s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      throw new HoopException(
          "cannot name " + s + " in an ssh_config file (it contains a quote or a line break)");
    }
    return "\"" + s.replace("%", "%%") + "\"";
  }

  /**
   * One argument for a POSIX shell as the user pastes it: bare when only safe characters, else in
   * single quotes.
   */
  public static String shellArgument(String value) {
    if (!value.isEmpty() && value.matches("[A-Za-z0-9_./:@=,+-]+")) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
