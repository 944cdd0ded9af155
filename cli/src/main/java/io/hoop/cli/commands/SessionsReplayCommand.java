package io.hoop.cli.commands;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionStatement;
import io.hoop.asciicast.CastEvent;
import io.hoop.asciicast.CastFormatException;
import io.hoop.asciicast.CastPlayer;
import io.hoop.asciicast.CastReader;
import io.hoop.asciicast.CastRecording;
import io.hoop.asciicast.TerminalFilter;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.sessions.SessionTimeline;
import io.hoop.cli.sessions.SessionsApi;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      "Replay a session in the terminal, at the pace it was recorded.",
      "PostgreSQL sessions replay their statements with their relative timestamps,",
      "waiting between them as long as the user did (divided by --speed).",
      "SSH sessions play their terminal recording (asciicast v2) with its timing:",
      "what the user saw, output only; pauses longer than --max-idle are shortened.",
      "Only what draws the screen is replayed: sequences that would set the title or",
      "the clipboard, make the terminal answer, or switch mouse or key reporting on",
      "are left out (counted at the end); hoop sessions export -o cast has them all."
    },
    footer = {
      "%nExamples:",
      "  hoop sessions replay s-6f1c...              real time",
      "  hoop sessions replay s-6f1c... --speed 10   ten times faster",
      "  hoop sessions replay s-6f1c... --no-wait    all at once (same as --speed 0)",
      "  hoop sessions replay s-9a2e... --speed 2 --max-idle 1   (an ssh session)",
      "  hoop sessions export s-9a2e... -o cast > s.cast && asciinema play s.cast",
      "  hoop sessions replay s-6f1c... -o json      all at once, for scripts",
      "%nExit codes: 0 ok, 1 error (no such session you may see, nothing to replay,",
      "a recording that is not asciicast v2), 2 usage, 6 not logged in."
    })
public final class SessionsReplayCommand implements Callable<Integer> {
  /** Waits at least this long (after --speed) show a progress line on stderr. */
  static final Duration ANNOUNCE_WAIT = Duration.ofSeconds(2);

  static final double MIN_SPEED = 0.01;
  static final double MAX_SPEED = 1000;
  static final double MAX_IDLE_SECONDS = 86_400;

  @ParentCommand SessionsCommand sessions;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(paramLabel = "ID", description = "Session id, from hoop sessions list.")
  String id;

  @Option(
      names = "--speed",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Replay speed factor, 0.01 to 1000; 0 prints everything at once (default:"
              + " ${DEFAULT-VALUE}).")
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

  /** What retention removed from the session, in words, or null when nothing. */
  private static String purged(SessionDetail detail) {
    var s = detail.session();
    List<String> parts = new ArrayList<>();
    if (s.recordingPurgedAt() != null) {
      parts.add("its terminal recording on " + s.recordingPurgedAt());
    }
    if (s.statementsPurgedAt() != null) {
      parts.add("its recorded steps on " + s.statementsPurgedAt());
    }
    return parts.isEmpty() ? null : String.join(" and ", parts);
  }

  @Override
  public Integer call() {
    if (!(speed == 0 || (speed >= MIN_SPEED && speed <= MAX_SPEED))) {
      throw new ParameterException(
          spec.commandLine(),
          "--speed "
              + speed
              + " is invalid; expected 0 (no waiting) or a factor from "
              + MIN_SPEED
              + " to "
              + MAX_SPEED);
    }
    if (maxIdle != null && !(maxIdle >= 0 && maxIdle <= MAX_IDLE_SECONDS)) {
      throw new ParameterException(
          spec.commandLine(),
          "--max-idle "
              + maxIdle
              + " is invalid; expected seconds from 0 to "
              + MAX_IDLE_SECONDS
              + " (a day)");
    }
    SessionsApi api = sessions.api(common);
    SessionDetail detail = api.show(id);
    // SSH sessions with a terminal have a recording (their exec commands may be statements too).
    String recording = api.recording(id);
    if (output.json()) {
      output.print(spec.commandLine().getOut(), document(detail, recording));
      return ExitCodes.OK;
    }
    if (recording != null) {
      return play(detail, recording);
    }
    if (detail.statements().isEmpty() && purged(detail) != null) {
      throw new HoopException(
          "session "
              + id
              + " has nothing left to replay: the broker's retention policy removed "
              + purged(detail)
              + "; hoop sessions show "
              + id
              + " has what is still known of it");
    }
    if (detail.statements().isEmpty()) {
      String engine = api.engineOf(detail);
      throw new HoopException(
          "session "
              + id
              + " has nothing to replay: no terminal recording"
              + ("ssh".equals(engine)
                  ? " (only ssh sessions with a terminal have one; exec commands and file"
                      + " transfers are steps)"
                  : "")
              + " and no recorded steps; hoop sessions show "
              + id
              + " has what is known of it");
    }
    if ("ssh".equals(api.engineOf(detail))) {
      spec.commandLine()
          .getErr()
          .println(
              "hoop: session "
                  + id
                  + " has no terminal recording (it opened no terminal); replaying its steps");
      spec.commandLine().getErr().flush();
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
    CastRecording cast;
    try {
      cast = CastReader.read(recording);
    } catch (CastFormatException e) {
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
            + cast.header().width()
            + "x"
            + cast.header().height()
            + " terminal"
            + (paced() ? speed == 1 ? ", real time" : ", speed " + speed + "x" : "")
            + "; Ctrl-C stops");
    err.flush();
    Duration idle = maxIdle == null ? null : Duration.ofNanos((long) (maxIdle * 1e9));
    TerminalFilter screen = new TerminalFilter();
    for (CastPlayer.Frame f : CastPlayer.frames(cast, paced() ? speed : 0, idle)) {
      if (!f.delay().isZero()) {
        try {
          sleeper.sleep(f.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new HoopException("replay interrupted");
        }
      }
      out.print(screen.filter(f.data()));
      out.flush();
    }
    err.println(
        "\n-- end of recording of "
            + detail.session().id()
            + (detail.session().closeReason() == null
                ? ""
                : " (session closed: " + detail.session().closeReason() + ")"));
    if (screen.dropped() > 0) {
      err.println(
          "-- "
              + screen.dropped()
              + " control sequence(s) left out: they would act beyond the screen (title,"
              + " clipboard, terminal answers, mouse or key modes); hoop sessions export "
              + id
              + " -o cast has the recording as it is");
    }
    err.flush();
    return ExitCodes.OK;
  }

  /**
   * The replay as one document for programs, at once: {@code session}, {@code steps} (each with
   * {@code offsetSeconds} from the session's start) and {@code recording} ({@code width}, {@code
   * height}, {@code events} of {@code time}, {@code type}, {@code data}, the data filtered as the
   * screen replay filters it), or null without a terminal recording.
   */
  private Map<String, Object> document(SessionDetail detail, String recording) {
    Instant origin = SessionTimeline.origin(detail);
    List<Map<String, Object>> steps = new ArrayList<>();
    for (SessionStatement st : detail.statements()) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("offsetSeconds", Duration.between(origin, st.startedAt()).toNanos() / 1e9);
      step.put("step", st);
      steps.add(step);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("session", detail.session());
    doc.put("steps", steps);
    Map<String, Object> cast = null;
    if (recording != null) {
      CastRecording read;
      try {
        read = CastReader.read(recording);
      } catch (CastFormatException e) {
        throw new HoopException(
            "the recording of " + id + " is not a valid asciicast v2 file: " + e.getMessage());
      }
      TerminalFilter screen = new TerminalFilter();
      List<Map<String, Object>> events = new ArrayList<>();
      for (CastEvent e : read.events()) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("time", e.time());
        event.put("type", e.type());
        event.put("data", "o".equals(e.type()) ? screen.filter(e.data()) : e.data());
        events.add(event);
      }
      cast = new LinkedHashMap<>();
      cast.put("width", read.header().width());
      cast.put("height", read.header().height());
      cast.put("events", events);
      cast.put("controlSequencesLeftOut", screen.dropped());
    }
    doc.put("recording", cast);
    return doc;
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
