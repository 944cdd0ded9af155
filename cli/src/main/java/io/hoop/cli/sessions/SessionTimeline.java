package io.hoop.cli.sessions;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionStatement;
import io.hoop.api.SessionSummary;
import io.hoop.cli.output.Table;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders sessions and their statements for people: the list, one session, a timeline line. */
public final class SessionTimeline {
  private SessionTimeline() {}

  /** The session list as a table. */
  public static void printList(PrintWriter out, List<SessionSummary> sessions) {
    Table t =
        new Table(
            "ID",
            "TARGET",
            "USER",
            "TASK",
            "ROLE",
            "OPENED",
            "LENGTH",
            "STATEMENTS",
            "BLOCKED",
            "STATUS");
    for (SessionSummary s : sessions) {
      t.row(
          s.id(),
          s.target(),
          s.principal(),
          s.task(),
          s.role(),
          DurationFormat.local(s.openedAt()),
          s.closedAt() == null
              ? "-"
              : DurationFormat.compact(Duration.between(s.openedAt(), s.closedAt())),
          s.statements() + (s.dropped() > 0 ? " (+" + s.dropped() + " dropped)" : ""),
          s.blocked(),
          s.closedAt() == null ? "open" : s.closeReason());
    }
    t.print(out);
  }

  /**
   * What a session's steps are called, by the engine that relayed it: {@code SQL} for postgres,
   * {@code COMMAND} for ssh (exec commands, shells, file transfers, forwards), {@code STEP} for
   * anything else or an engine not known.
   */
  public static String stepLabel(String engine) {
    if (engine == null) {
      return "STEP";
    }
    return switch (engine) {
      case "postgres" -> "SQL";
      case "ssh" -> "COMMAND";
      default -> "STEP";
    };
  }

  /** A session's header and its statements as a table; {@code engine} may be null (unknown). */
  public static void printDetail(PrintWriter out, SessionDetail d, String engine) {
    SessionSummary s = d.session();
    boolean ssh = "ssh".equals(engine);
    out.println("session   " + s.id());
    out.println("target    " + s.target() + (s.role() == null ? "" : " (role " + s.role() + ")"));
    out.println("user      " + s.principal());
    out.println("task      " + s.task());
    out.println("grant     " + s.grantId());
    out.println(
        "opened    "
            + DurationFormat.local(s.openedAt())
            + (s.closedAt() == null
                ? " (open)"
                : ", closed " + DurationFormat.local(s.closedAt()) + " (" + s.closeReason() + ")"));
    out.println(
        "traffic   "
            + s.bytesUp()
            + " bytes up, "
            + s.bytesDown()
            + " bytes down; "
            + s.statements()
            + " statements, "
            + s.blocked()
            + " blocked"
            + (s.dropped() > 0 ? ", " + s.dropped() + " not recorded (recorder overloaded)" : ""));
    if (s.recordingPurgedAt() != null || s.statementsPurgedAt() != null) {
      out.println(
          "purged    by the retention policy:"
              + (s.recordingPurgedAt() == null
                  ? ""
                  : " terminal recording " + DurationFormat.local(s.recordingPurgedAt()) + ";")
              + (s.statementsPurgedAt() == null
                  ? ""
                  : " recorded steps " + DurationFormat.local(s.statementsPurgedAt()) + ";"));
    }
    out.println();
    Instant origin = origin(d);
    if (ssh) {
      // ssh steps have no rows or masking: their count is the bytes the target sent back.
      Table t = new Table("SEQ", "AT", "DURATION", "BYTES-OUT", "RESULT", stepLabel(engine));
      for (SessionStatement st : d.statements()) {
        t.row(
            st.seq(),
            offset(Duration.between(origin, st.startedAt())),
            millis(st.durationMicros()),
            st.blocked() ? "-" : Long.toString(st.rows()),
            result(st),
            oneLine(st.sql()));
      }
      t.print(out);
      return;
    }
    Table t = new Table("SEQ", "AT", "DURATION", "ROWS", "MASKED", "RESULT", stepLabel(engine));
    for (SessionStatement st : d.statements()) {
      t.row(
          st.seq(),
          offset(Duration.between(origin, st.startedAt())),
          millis(st.durationMicros()),
          st.blocked() ? "-" : Long.toString(st.rows()),
          st.maskedFields(),
          result(st),
          oneLine(st.sql()));
    }
    t.print(out);
  }

  /** When the timeline starts: the session's opening (or its first statement, if earlier). */
  public static Instant origin(SessionDetail d) {
    Instant origin = d.session().openedAt();
    if (!d.statements().isEmpty() && d.statements().get(0).startedAt().isBefore(origin)) {
      origin = d.statements().get(0).startedAt();
    }
    return origin;
  }

  /** One replay line: {@code [+00:01.250] SQL -> result}. */
  public static String line(SessionStatement st, Instant origin) {
    StringBuilder b =
        new StringBuilder()
            .append('[')
            .append(offset(Duration.between(origin, st.startedAt())))
            .append("] ")
            .append(oneLine(st.sql()));
    if (!st.parameters().isEmpty()) {
      b.append("  params ").append(st.parameters());
    }
    b.append("\n           -> ").append(result(st));
    if (!st.blocked()) {
      b.append(", ").append(st.rows()).append(st.rows() == 1 ? " row" : " rows");
      if (st.maskedFields() > 0) {
        b.append(", ").append(st.maskedFields()).append(" masked");
      }
      b.append(", ").append(millis(st.durationMicros()));
    }
    return b.toString();
  }

  /** {@code mm:ss.SSS}, with hours when needed. */
  public static String offset(Duration d) {
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long h = d.toHours();
    String ms =
        String.format(
            Locale.ROOT, "%02d:%02d.%03d", d.toMinutesPart(), d.toSecondsPart(), d.toMillisPart());
    return "+" + (h > 0 ? h + ":" : "") + ms;
  }

  private static String result(SessionStatement st) {
    if (st.blocked()) {
      return "BLOCKED (" + st.blockedBy() + ")";
    }
    if (!st.error().isEmpty()) {
      return "ERROR " + st.error();
    }
    return st.commandTag().isEmpty() ? "ok" : st.commandTag();
  }

  private static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }

  private static String oneLine(String sql) {
    return sql.strip().replaceAll("\\s+", " ");
  }
}
