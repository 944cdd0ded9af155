package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

/**
 * What one admitted SSH connection may do: small hooks, each denying unless the engine's policy
 * says otherwise (the shape of MINA SSHD's {@code ForwardingFilter}). Hooks must be pure and quick:
 * they run on the bridge's I/O threads.
 */
public record BridgePolicy(
    ExecCheck exec, ShellCheck shell, SftpCheck sftp, DirectTcpipCheck directTcpip) {

  public BridgePolicy {
    requireNonNull(exec, "exec");
    requireNonNull(shell, "shell");
    requireNonNull(sftp, "sftp");
    requireNonNull(directTcpip, "directTcpip");
  }

  /** Denies everything: the starting point that engines open up. */
  public static BridgePolicy denyAll() {
    return new BridgePolicy(
        command -> Verdict.deny("no exec rule allows it"),
        () -> Verdict.deny("interactive shells are not allowed for this role"),
        (operation, path) -> Verdict.deny("sftp is not allowed for this role"),
        (host, port) -> Verdict.deny("port forwarding is not allowed for this role"));
  }

  public BridgePolicy withExec(ExecCheck check) {
    return new BridgePolicy(check, shell, sftp, directTcpip);
  }

  public BridgePolicy withShell(ShellCheck check) {
    return new BridgePolicy(exec, check, sftp, directTcpip);
  }

  public BridgePolicy withSftp(SftpCheck check) {
    return new BridgePolicy(exec, shell, check, directTcpip);
  }

  public BridgePolicy withDirectTcpip(DirectTcpipCheck check) {
    return new BridgePolicy(exec, shell, sftp, check);
  }

  /** Decides an {@code exec} request (scp is an exec of {@code scp -t} / {@code scp -f}). */
  @FunctionalInterface
  public interface ExecCheck {
    Verdict check(String command);
  }

  /** Decides a {@code shell} request. */
  @FunctionalInterface
  public interface ShellCheck {
    Verdict check();
  }

  /**
   * Decides sftp: called with operation {@code "subsystem"} and an empty path when the sftp
   * subsystem is requested (per-operation checks need packet parsing, not done yet).
   */
  @FunctionalInterface
  public interface SftpCheck {
    Verdict check(String operation, String path);
  }

  /** Decides a {@code direct-tcpip} channel (ssh -L), the address as the target will resolve it. */
  @FunctionalInterface
  public interface DirectTcpipCheck {
    Verdict check(String host, int port);
  }
}
