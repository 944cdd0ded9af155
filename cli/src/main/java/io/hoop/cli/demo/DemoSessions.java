package io.hoop.cli.demo;

import io.hoop.api.SessionDetail;
import io.hoop.api.SessionList;
import io.hoop.api.SessionSummary;
import io.hoop.cli.HoopException;
import io.hoop.cli.sessions.SessionTimeline;
import io.hoop.cli.sessions.SessionsApi;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/** Shows what the broker recorded of the demo's psql session, as {@code hoop sessions} does. */
public final class DemoSessions {
  /** Statements in {@link DemoTarget#SCRIPT}. */
  static final int STATEMENTS = 4;

  private static final long WAIT_MILLIS = 10_000;

  private DemoSessions() {}

  /**
   * Prints {@code hoop sessions list --task TASK} and {@code hoop sessions show} of the newest
   * session, once the broker has recorded the whole script (it records after each reply).
   */
  public static void show(SessionsApi api, String task, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    List<SessionSummary> sessions = awaitRecorded(api, task);
    err.println("$ hoop sessions list --task " + task);
    err.flush();
    SessionTimeline.printList(out, sessions);
    out.flush();
    String id = demoSession(sessions).map(SessionSummary::id).orElse(sessions.get(0).id());
    err.println();
    err.println("$ hoop sessions show " + id);
    err.flush();
    SessionDetail detail = api.show(id);
    SessionTimeline.printDetail(out, detail, api.engineOf(detail));
    out.flush();
  }

  /**
   * The demo's own psql run: the user may already have connected from another terminal, so the
   * newest session is not necessarily it.
   */
  static Optional<SessionSummary> demoSession(List<SessionSummary> sessions) {
    return sessions.stream()
        .filter(s -> s.statements() >= STATEMENTS && s.blocked() >= 1)
        .findFirst();
  }

  private static List<SessionSummary> awaitRecorded(SessionsApi api, String task)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
    while (true) {
      SessionList list = api.list(task, null, null, 10);
      List<SessionSummary> sessions = list.sessions() == null ? List.of() : list.sessions();
      boolean recorded = demoSession(sessions).isPresent();
      if (recorded || System.nanoTime() > deadline) {
        if (sessions.isEmpty()) {
          throw new HoopException(
              "the broker recorded no session for task "
                  + task
                  + " within "
                  + WAIT_MILLIS / 1000
                  + " s; see broker.log in the demo directory (--keep keeps it)");
        }
        return sessions;
      }
      Thread.sleep(200);
    }
  }
}
