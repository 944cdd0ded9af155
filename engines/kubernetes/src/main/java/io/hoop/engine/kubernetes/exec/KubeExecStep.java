package io.hoop.engine.kubernetes.exec;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.tunnel.engine.SessionStep;
import java.time.Instant;
import java.util.List;

/**
 * One exec or attach session through the kubernetes engine, reported when it ends: the pod, the
 * command (argv, as the API server ran it), whether it had a terminal, the exit code the API server
 * reported (null when none: cut, or attach), the bytes each way and whether its terminal output was
 * recorded (replayed with {@code hoop sessions replay}).
 *
 * @param kind {@code exec} or {@code attach}
 * @param error empty, or why the session was cut
 */
public record KubeExecStep(
    Instant startedAt,
    long durationMicros,
    String kind,
    String namespace,
    String pod,
    List<String> command,
    boolean tty,
    Integer exitCode,
    long bytesIn,
    long bytesOut,
    boolean recorded,
    String error)
    implements SessionStep {
  public KubeExecStep {
    requireNonNull(startedAt, "startedAt");
    requireNonNull(kind, "kind");
    requireNonNull(namespace, "namespace");
    requireNonNull(pod, "pod");
    command = List.copyOf(requireNonNull(command, "command"));
    requireNonNull(error, "error");
  }

  /** e.g. {@code exec web -n prod: 'sh' '-c' 'ls /'}. */
  public String operation() {
    StringBuilder s = new StringBuilder(kind).append(' ').append(pod);
    if (!namespace.isEmpty()) {
      s.append(" -n ").append(namespace);
    }
    if (tty) {
      s.append(" -t");
    }
    if (!command.isEmpty()) {
      s.append(": ");
      for (int i = 0; i < command.size(); i++) {
        s.append(i == 0 ? "" : " ")
            .append('\'')
            .append(command.get(i).replace("'", "'\\''"))
            .append('\'');
      }
    }
    return s.toString();
  }

  @Override
  public SessionStatement statement(int seq) {
    String outcome = exitCode == null ? "closed" : "exit " + exitCode;
    return new SessionStatement(
        seq,
        startedAt,
        durationMicros,
        operation(),
        List.of("bytesIn=" + bytesIn, "bytesOut=" + bytesOut, "recorded=" + recorded),
        bytesOut,
        outcome + " in=" + bytesIn + " out=" + bytesOut,
        0,
        false,
        "",
        error);
  }
}
