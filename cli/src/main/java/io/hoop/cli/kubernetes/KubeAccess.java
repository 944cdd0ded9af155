package io.hoop.cli.kubernetes;

import io.hoop.api.Grant;
import io.hoop.cli.HoopException;
import io.hoop.cli.ssh.SshConfigText;
import io.hoop.cli.ssh.SshFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The kubectl side of one grant on a kubernetes target: a kubeconfig (0600, in a private directory
 * of its own like the ssh key files, removed when hoop exits) whose one cluster is the tunnel's
 * local port over plain HTTP on loopback (the tunnel itself is TLS to the broker), whose user has
 * no credential (the broker injects the role's), and whose context is named after target and grant.
 */
public final class KubeAccess implements AutoCloseable {
  /** The target type of kubernetes targets. */
  public static final String TYPE = "kubernetes";

  /**
   * The variable a wrapped command gets (removed from an outer run's when this is no k8s grant).
   */
  public static final Set<String> VARIABLES = Set.of("KUBECONFIG");

  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$");

  private final Path directory;
  private final Path kubeconfig;
  private final String context;

  private KubeAccess(Path directory, Path kubeconfig, String context) {
    this.directory = directory;
    this.kubeconfig = kubeconfig;
    this.context = context;
  }

  /** Whether targets of {@code targetType} are Kubernetes API servers. */
  public static boolean isKubernetes(String targetType) {
    return TYPE.equalsIgnoreCase(targetType);
  }

  /**
   * The kubeconfig for {@code grant} on local {@code port}; null when it is no kubernetes grant.
   */
  public static KubeAccess prepare(Grant grant, int port, Map<String, String> env) {
    if (!isKubernetes(grant.targetType())) {
      return null;
    }
    String context = context(grant.target(), grant.id());
    String yaml = yaml(grant.target(), grant.id(), context, port);
    Path dir = SshFiles.createPrivateDirectory(env, "hoop-kube-", "the grant's kubeconfig");
    Path file = dir.resolve("kubeconfig");
    try {
      Files.write(
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
          yaml.getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      deleteAll(dir);
      throw new HoopException("cannot write the kubeconfig in " + dir + ": " + e.getMessage(), e);
    }
    return new KubeAccess(dir, file, context);
  }

  /** {@code hoop-TARGET-GRANT}. */
  static String context(String target, String grantId) {
    for (String s : List.of(target, grantId)) {
      if (!NAME.matcher(s).matches()) {
        throw new HoopException(
            "'" + s + "' cannot name a kubeconfig context (expected letters, digits, . _ -)");
      }
    }
    return "hoop-" + target + "-" + grantId;
  }

  /** The kubeconfig text; every value is a plain name or number, so nothing needs quoting. */
  static String yaml(String target, String grantId, String context, int port) {
    return "# hoop: grant "
        + grantId
        + " of target "
        + target
        + "; no credential here, the broker holds it\n"
        + "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: "
        + context
        + "\n  cluster:\n    server: http://"
        + SshConfigText.HOST
        + ":"
        + port
        + "\nusers:\n- name: "
        + context
        + "\n  user: {}\n"
        + "contexts:\n- name: "
        + context
        + "\n  context:\n    cluster: "
        + context
        + "\n    user: "
        + context
        + "\ncurrent-context: "
        + context
        + "\n";
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public String context() {
    return context;
  }

  /** Ready lines for stderr. */
  public List<String> lines() {
    return List.of(
        "  with kubectl (a kubeconfig for this grant, no credential in it, removed on exit):",
        "  export KUBECONFIG=" + SshConfigText.shellArgument(kubeconfig.toString()),
        "  kubectl get pods");
  }

  /** The ready line when a command runs through the tunnel. */
  public String wrapLine() {
    return "  kubectl reaches the target through KUBECONFIG (context " + context + ")";
  }

  /** The variables of a wrapped command. */
  public Map<String, String> environment() {
    return Map.of("KUBECONFIG", kubeconfig.toString());
  }

  /** The {@code kubernetes} object of the {@code -o json} ready line. */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kubeconfig", kubeconfig.toString());
    json.put("context", context);
    return json;
  }

  @Override
  public void close() {
    deleteAll(directory);
  }

  private static void deleteAll(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve("kubeconfig"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // best effort: the directory stays closed to others
    }
  }

  @Override
  public String toString() {
    return "KubeAccess[" + kubeconfig + "]";
  }
}
