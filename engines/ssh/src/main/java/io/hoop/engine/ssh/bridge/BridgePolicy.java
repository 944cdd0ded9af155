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
        SftpCheck.deny("sftp is not allowed for this role"),
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

  /**
   * Decides an {@code exec} request (scp is an exec of {@code scp -t} / {@code scp -f}); a review
   * verdict holds the command for a reviewer through the admission's {@code Holds}.
   */
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
   * Decides sftp: first the subsystem request, then, when {@link #checksOperations()}, each request
   * packet of the session (the bridge parses them; see {@link SftpGate}). Paths reach {@link
   * #operation} absolute, with {@code //} and {@code .} folded and no {@code ..} (refused before).
   */
  public interface SftpCheck {
    /** The sftp subsystem request. */
    Verdict subsystem();

    /**
     * Whether each operation is checked; false relays the session's bytes unparsed (observed only).
     */
    boolean checksOperations();

    /** One operation on a path (two for rename); {@code otherPath} is empty for one-path ones. */
    Verdict operation(io.hoop.engine.ssh.policy.SftpOperation op, String path, String otherPath);

    /** Sftp allowed, every operation unchecked. */
    static SftpCheck allowAll() {
      return new SftpCheck() {
        @Override
        public Verdict subsystem() {
          return Verdict.allow();
        }

        @Override
        public boolean checksOperations() {
          return false;
        }

        @Override
        public Verdict operation(
            io.hoop.engine.ssh.policy.SftpOperation op, String path, String otherPath) {
          return Verdict.allow();
        }
      };
    }

    /** Sftp refused as a whole. */
    static SftpCheck deny(String reason) {
      requireNonNull(reason, "reason");
      return new SftpCheck() {
        @Override
        public Verdict subsystem() {
          return Verdict.deny(reason);
        }

        @Override
        public boolean checksOperations() {
          return true;
        }

        @Override
        public Verdict operation(
            io.hoop.engine.ssh.policy.SftpOperation op, String path, String otherPath) {
          return Verdict.deny(reason);
        }
      };
    }

    /** Sftp allowed, each operation decided by {@code check}. */
    static SftpCheck perOperation(Operation check) {
      requireNonNull(check, "check");
      return new SftpCheck() {
        @Override
        public Verdict subsystem() {
          return Verdict.allow();
        }

        @Override
        public boolean checksOperations() {
          return true;
        }

        @Override
        public Verdict operation(
            io.hoop.engine.ssh.policy.SftpOperation op, String path, String otherPath) {
          return check.check(op, path, otherPath);
        }
      };
    }

    /** The per-operation decision. */
    @FunctionalInterface
    interface Operation {
      Verdict check(io.hoop.engine.ssh.policy.SftpOperation op, String path, String otherPath);
    }
  }

  /** Decides a {@code direct-tcpip} channel (ssh -L), the address as the target will resolve it. */
  @FunctionalInterface
  public interface DirectTcpipCheck {
    Verdict check(String host, int port);
  }
}
