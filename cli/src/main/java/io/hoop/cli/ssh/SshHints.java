package io.hoop.cli.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What {@code hoop connect} tells the user, a wrapped command and a script about an ssh grant. */
public final class SshHints {
  /** The variables a wrapped command gets for an ssh target (removed from an outer run's). */
  public static final Set<String> VARIABLES =
      Set.of(
          "HOOP_SSH_HOST",
          "HOOP_SSH_PORT",
          "HOOP_SSH_USER",
          "HOOP_SSH_KEY",
          "HOOP_SSH_KNOWN_HOSTS",
          "HOOP_SSH_CONFIG",
          "GIT_SSH_COMMAND");

  /** Commands that read {@code -F FILE}, so plain {@code ssh ALIAS} works in wrap mode. */
  private static final Set<String> SSH_CLIENTS = Set.of("ssh", "scp", "sftp");

  private SshHints() {}

  /** Ready lines for stderr: ssh, scp and sftp commands and the ssh_config block. */
  public static List<String> lines(SshFiles f) {
    String key = SshConfigText.shellArgument(f.identity().toString());
    String known = SshConfigText.shellArgument("UserKnownHostsFile=" + f.knownHosts());
    String common = " -i " + key + " -o " + known + " -o IdentitiesOnly=yes ";
    String at = f.user() + "@" + SshConfigText.HOST;
    List<String> lines = new ArrayList<>();
    lines.add("  with OpenSSH (key and known_hosts made for this grant, removed on exit):");
    lines.add("  ssh -p " + f.port() + common + at);
    lines.add("  scp -P " + f.port() + common + "FILE " + at + ":/tmp/");
    lines.add("  sftp -P " + f.port() + common + at);
    lines.add(
        "  or with the config file: ssh -F "
            + SshConfigText.shellArgument(f.config().toString())
            + " "
            + f.alias());
    lines.add("  ssh_config block (hoop connect --ssh-config adds it to ~/.ssh/config):");
    f.hostBlock().lines().forEach(l -> lines.add("    " + l));
    return lines;
  }

  /** The ready line when a command runs through the tunnel: how it reaches the target. */
  public static String wrapLine(SshFiles f) {
    return "  ssh, scp and sftp reach "
        + f.alias()
        + " by name in the command (-F $HOOP_SSH_CONFIG); other tools: HOOP_SSH_* and"
        + " GIT_SSH_COMMAND";
  }

  /** The variables of a wrapped command (besides {@code HOOP_HOST}, {@code HOOP_PORT}, ...). */
  public static Map<String, String> environment(SshFiles f) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOOP_SSH_HOST", f.alias());
    env.put("HOOP_SSH_PORT", Integer.toString(f.port()));
    env.put("HOOP_SSH_USER", f.user());
    env.put("HOOP_SSH_KEY", f.identity().toString());
    env.put("HOOP_SSH_KNOWN_HOSTS", f.knownHosts().toString());
    env.put("HOOP_SSH_CONFIG", f.config().toString());
    // git runs this through a shell: the file name is quoted for it.
    env.put("GIT_SSH_COMMAND", "ssh -F " + SshConfigText.shellArgument(f.config().toString()));
    return env;
  }

  /**
   * The wrapped command as run: {@code ssh}, {@code scp} and {@code sftp} (by file name, any
   * directory) get {@code -F CONFIG} first, so {@code ssh web-1} resolves to the grant's port, key
   * and pinned host key; other commands run as given and read the variables.
   */
  public static List<String> command(List<String> command, Path config) {
    if (command.isEmpty()
        || !SSH_CLIENTS.contains(Path.of(command.get(0)).getFileName().toString())) {
      return command;
    }
    List<String> run = new ArrayList<>(command.size() + 2);
    run.add(command.get(0));
    run.add("-F");
    run.add(config.toString());
    run.addAll(command.subList(1, command.size()));
    return run;
  }

  /** The {@code ssh} object of the {@code -o json} ready line. */
  public static Map<String, Object> json(SshFiles f) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("alias", f.alias());
    json.put("user", f.user());
    json.put("port", f.port());
    json.put("key", f.identity().toString());
    json.put("knownHosts", f.knownHosts().toString());
    json.put("config", f.config().toString());
    json.put("hostBlock", f.hostBlock());
    json.put("env", environment(f));
    return json;
  }
}
