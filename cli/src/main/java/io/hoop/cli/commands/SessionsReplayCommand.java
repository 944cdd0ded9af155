package io.hoop.cli.commands;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionStatement;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.sessions.SessionTimeline;
import io.hoop.cli.sessions.SessionsApi;
import io.hoop.cli.sessions.cast.Cast;
import io.hoop.cli.sessions.cast.CastPlayer;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hoop sessions replay ID}: an ssh session's terminal recording, or a PostgreSQL session's
 * statement timeline, at the pace it happened.
 */
@Command(
    name = "replay",
    description = {
      "Replay a session's statements in the terminal with their relative timestamps,",
      "waiting between them as long as the user did (divided by --speed).",
      "SSH sessions play their terminal recording (asciicast v2) with its timing:",
      "what the user saw, output only; pauses longer than --max-idle are shortened."
    },
    footer = {
      "%nExamples:",
      "  hoop sessions replay s-6f1c...              real time",
      "  hoop sessions replay s-6f1c... --speed 10   ten times faster",
      "  hoop sessions replay s-6f1c... --no-wait    everything at once (same as --speed 0)",
      "  hoop sessions replay s-9a2e... --speed 2 --max-idle 1   (an ssh session)",
      "  hoop sessions export s-9a2e... -o cast > s.cast && asciinema play s.cast",
      "%nExit codes: 0 ok, 1 error, 2 usage, 6 not logged in."
    })
public final class SessionsReplayCommand implements Callable<Integer> {
  /** Waits at least this long (after --speed) show a progress line on stderr. */
  static final Duration ANNOUNCE_WAIT = Duration.ofSeconds(2);

  @ParentCommand SessionsCommand sessions;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(paramLabel = "ID", description = "Session id, from hoop sessions list.")
  String id;

  @Option(
      names = "--speed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Replay speed factor; 0 prints everything at once (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(names = "--no-wait", description = "Print the whole timeline at once.")
  boolean noWait;

  @Option(
      names = "--max-idle",
      paramLabel = "S",
      description =
          "SSH recordings: play pauses longer than S seconds as S seconds (default: the"
              + " recording's idle_time_limit, else none).")
  Double maxIdle;

  Sleeper sleeper = Sleeper.REAL;

  @Override
  public Integer call() {
    if (speed < 0 || Double.isNaN(speed) || Double.isInfinite(speed)) {
      throw new ParameterException(
          spec.commandLine(), "--speed " + speed + " is invalid; expected 0 or a positive number");
    }
    if (maxIdle != null && (maxIdle < 0 || !Double.isFinite(maxIdle))) {
      throw new ParameterException(
          spec.commandLine(), "--max-idle " + maxIdle + " is invalid; expected seconds >= 0");
    }
    SessionsApi api = sessions.api(common);
    SessionDetail detail = api.show(id);
    // SSH sessions have a terminal recording (their exec commands may be statements too).
    String recording = api.recording(id);
    if (recording != null) {
      return play(detail, recording);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant origin = SessionTimeline.origin(detail);
    out.println(
        "Replaying "
            + detail.session().id()
            + ": "
            + detail.session().principal()
            + " on "
            + detail.session().target()
            + " (task "
            + detail.session().task()
            + "), "
            + detail.statements().size()
            + " statements"
            + (paced() ? speed == 1 ? ", real time" : ", speed " + speed + "x" : ""));
    out.flush();
    Instant previous = origin;
    for (SessionStatement st : detail.statements()) {
      if (paced()) {
        Duration gap = Duration.between(previous, st.startedAt());
        if (!gap.isNegative() && !gap.isZero()) {
          pause(Duration.ofNanos((long) (gap.toNanos() / speed)), err);
        }
      }
      previous = st.startedAt();
      out.println(SessionTimeline.line(st, origin));
      out.flush();
    }
    if (detail.session().closedAt() != null) {
      out.println(
          "["
              + SessionTimeline.offset(Duration.between(origin, detail.session().closedAt()))
              + "] session closed ("
              + detail.session().closeReason()
              + ")");
    }
    return ExitCodes.OK;
  }

  /** Plays an ssh session's recording; progress and the end go to stderr, the screen to stdout. */
  private int play(SessionDetail detail, String recording) {
    Cast cast;
    try {
      cast = Cast.parse(recording);
    } catch (Cast.FormatException e) {
      throw new HoopException(
          "the recording of " + id + " is not a valid asciicast v2 file: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    err.println(
        "Replaying "
            + detail.session().id()
            + ": "
            + detail.session().principal()
            + " on "
            + detail.session().target()
            + " (task "
            + detail.session().task()
            + "), "
            + DurationFormat.compact(Duration.ofMillis((long) (cast.duration() * 1000)))
            + " recorded in a "
            + cast.width()
            + "x"
            + cast.height()
            + " terminal"
            + (paced() ? speed == 1 ? ", real time" : ", speed " + speed + "x" : "")
            + "; Ctrl-C stops");
    err.flush();
    Duration idle = maxIdle == null ? null : Duration.ofNanos((long) (maxIdle * 1e9));
    for (CastPlayer.Frame f : CastPlayer.frames(cast, paced() ? speed : 0, idle)) {
      if (!f.delay().isZero()) {
        try {
          sleeper.sleep(f.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HoopException("replay interrupted");
        }
      }
      out.print(f.data());
      out.flush();
    }
    err.println(
        "\n-- end of recording of "
            + detail.session().id()
            + (detail.session().closeReason() == null
                ? ""
                : " (session closed: " + detail.session().closeReason() + ")"));
    err.flush();
    return ExitCodes.OK;
  }

  private boolean paced() {
    return !noWait && speed > 0;
  }

  private void pause(Duration d, PrintWriter err) {
    if (d.compareTo(ANNOUNCE_WAIT) >= 0) {
      err.println(
          "  ... " + DurationFormat.compact(d) + " until the next statement (Ctrl-C stops)");
      err.flush();
    }
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HoopException("replay interrupted");
    }
  }
}
