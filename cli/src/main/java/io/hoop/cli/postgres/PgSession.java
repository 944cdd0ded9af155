package io.hoop.cli.postgres;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One PostgreSQL session through the broker's postgres engine, simple query protocol only. The
 * client sends a StartupMessage without a password: the engine logs in to the target with the
 * broker-held credential of the grant's role and answers AuthenticationOk itself, so any other
 * authentication request means the target is not relayed by the postgres engine, and the session
 * stops there. Then one Query per statement, read up to its ReadyForQuery.
 */
public final class PgSession implements Closeable {
  /** The hint of the engine's guardrail refusal (42501). */
  static final String GUARDRAIL_HINT = "hoop guardrails of this target deny it";

  /** A held statement that was refused (denied, timed out, cancelled) ends with this. */
  static final String HOLD_REFUSED = "statement held for review as ";

  private static final long CANCEL_WAIT_MILLIS = 5000;

  private static final Pattern HOLD_NOTICE = Pattern.compile("is held for review as (\\S+)");

  /** A byte stream to the engine: each connection is one tunnel session. */
  public record Stream(InputStream in, OutputStream out, Closeable closer) {
    public Stream {
      requireNonNull(in, "in");
      requireNonNull(out, "out");
      requireNonNull(closer, "closer");
    }
  }

  /** Opens a new stream to the engine (for the CancelRequest, which needs its own connection). */
  public interface Dialer {
    Stream dial() throws IOException;
  }

  /** What the session tells its user while statements run; called on the running thread. */
  public interface Listener {
    /** A NoticeResponse (also a WARNING), in order. */
    void notice(StatementResult.Message notice);

    /** The engine holds the statement for a reviewer; the next message ends the wait. */
    void held(String holdId);

    /** The held statement was decided (approved and ran, or refused). */
    void holdEnded();
  }

  /** The session ended (a FATAL from the engine or the target: grant expired, login failed). */
  public static final class SessionEnded extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient StatementResult.Message fatal;

    SessionEnded(StatementResult.Message fatal, String message) {
      super(message);
      this.fatal = fatal;
    }

    /** The FATAL error, or null when the connection just closed. */
    public StatementResult.Message fatal() {
      return fatal;
    }
  }

  private final Stream stream;
  private final BackendDecoder decoder;
  private final OutputStream out;
  private final Dialer dialer;
  private final Listener listener;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private volatile BackendMessage.BackendKeyData key;
  private volatile boolean running;

  private PgSession(Stream stream, Dialer dialer, Listener listener) {
    this.stream = stream;
    this.decoder =
        new BackendDecoder(
            new BufferedInputStream(stream.in(), 64 * 1024),
            BackendDecoder.DEFAULT_MAX_MESSAGE_BYTES);
    this.out = new BufferedOutputStream(stream.out(), 16 * 1024);
    this.dialer = dialer;
    this.listener = listener;
  }

  /**
   * Dials the engine and starts a session on {@code database} (null: the target's default).
   *
   * @throws SessionEnded when the engine or the target refuses the session
   */
  public static PgSession open(Dialer dialer, String database, Listener listener)
      throws IOException, PgProtocolException, SessionEnded {
    requireNonNull(dialer, "dialer");
    requireNonNull(listener, "listener");
    Stream stream = dialer.dial();
    PgSession session = new PgSession(stream, dialer, listener);
    try {
      session.startup(database);
      return session;
    } catch (IOException | PgProtocolException | SessionEnded | RuntimeException e) {
      session.closeQuietly();
      throw e;
    }
  }

  private void startup(String database) throws IOException, PgProtocolException, SessionEnded {
    Map<String, String> startup = new LinkedHashMap<>();
    // The engine replaces the user with the grant's role; PostgreSQL requires the parameter.
    startup.put("user", "hoop");
    if (database != null && !database.isEmpty()) {
      startup.put("database", database);
    }
    startup.put("client_encoding", "UTF8");
    startup.put("application_name", "hoop exec");
    out.write(FrontendMessages.startup(startup));
    out.flush();
    while (true) {
      BackendMessage m = read();
      if (m instanceof BackendMessage.Authentication auth) {
        if (auth.code() != 0) {
          throw new PgProtocolException(
              "the broker asked for a password (authentication request "
                  + auth.code()
                  + "): hoop exec has none to give; it runs only on targets the broker's postgres"
                  + " engine logs in to");
        }
      } else if (m instanceof BackendMessage.ParameterStatus p) {
        parameters.put(p.name(), p.value());
      } else if (m instanceof BackendMessage.BackendKeyData k) {
        key = k;
      } else if (m instanceof BackendMessage.Notice n) {
        if (n.error()) {
          throw ended(n);
        }
        listener.notice(StatementResult.Message.of(n));
      } else if (m instanceof BackendMessage.ReadyForQuery) {
        return;
      } else if (!(m instanceof BackendMessage.NegotiateProtocolVersion)) {
        throw unexpected(m, "during startup");
      }
    }
  }

  /** The server's parameters as reported (server_version, TimeZone, ...). */
  public Map<String, String> parameters() {
    return Map.copyOf(parameters);
  }

  /**
   * Sends one statement as a Query and reads its answer up to ReadyForQuery.
   *
   * @throws SessionEnded when the session ends meanwhile (grant expired, FATAL, connection lost)
   */
  public StatementResult run(SqlScript.Statement statement)
      throws IOException, PgProtocolException, SessionEnded {
    out.write(FrontendMessages.query(statement.sql()));
    out.flush();
    running = true;
    try {
      return answer(statement);
    } finally {
      running = false;
    }
  }

  private StatementResult answer(SqlScript.Statement s)
      throws IOException, PgProtocolException, SessionEnded {
    List<StatementResult.ColumnInfo> columns = null;
    List<List<String>> rows = null;
    String tag = null;
    StringBuilder copy = null;
    List<StatementResult.Message> notices = new ArrayList<>();
    BackendMessage.Notice error = null;
    boolean holding = false;
    while (true) {
      BackendMessage m = read();
      if (holding && !(m instanceof BackendMessage.ParameterStatus)) {
        holding = false;
        listener.holdEnded();
      }
      if (m instanceof BackendMessage.RowDescription d) {
        columns = new ArrayList<>(d.columns().size());
        for (BackendMessage.Column c : d.columns()) {
          columns.add(new StatementResult.ColumnInfo(c.name(), c.typeOid()));
        }
        rows = new ArrayList<>();
      } else if (m instanceof BackendMessage.DataRow row) {
        if (rows == null || row.values().size() != columns.size()) {
          throw new PgProtocolException(
              "a DataRow of "
                  + row.values().size()
                  + " values, expected "
                  + (columns == null ? "a RowDescription first" : columns.size()));
        }
        List<String> values = new ArrayList<>(row.values().size());
        for (byte[] v : row.values()) {
          values.add(v == null ? null : new String(v, StandardCharsets.UTF_8));
        }
        rows.add(java.util.Collections.unmodifiableList(values));
      } else if (m instanceof BackendMessage.CommandComplete c) {
        tag = c.tag();
      } else if (m instanceof BackendMessage.EmptyQueryResponse) {
        tag = "";
      } else if (m instanceof BackendMessage.Notice n) {
        if (n.error()) {
          if (fatal(n)) {
            throw ended(n);
          }
          error = n;
        } else {
          StatementResult.Message notice = StatementResult.Message.of(n);
          notices.add(notice);
          listener.notice(notice);
          Matcher hold = HOLD_NOTICE.matcher(n.message());
          if (n.message().startsWith("hoop: ") && hold.find()) {
            holding = true;
            listener.held(hold.group(1));
          }
        }
      } else if (m instanceof BackendMessage.CopyResponse r) {
        if (r.type() == 'G') {
          out.write(
              FrontendMessages.copyFail(
                  "hoop exec sends no COPY data: COPY FROM STDIN is not supported"));
          out.flush();
        } else if (r.type() == 'H') {
          copy = new StringBuilder();
        } else {
          throw unexpected(m, "after a Query");
        }
      } else if (m instanceof BackendMessage.CopyData d) {
        if (copy == null) {
          throw unexpected(m, "outside a COPY");
        }
        copy.append(new String(d.data(), StandardCharsets.UTF_8));
      } else if (m instanceof BackendMessage.CopyDone) {
        // CommandComplete follows.
      } else if (m instanceof BackendMessage.ReadyForQuery) {
        return result(s, columns, rows, tag, copy, notices, error);
      } else if (m instanceof BackendMessage.Notification n) {
        listener.notice(
            new StatementResult.Message(
                "NOTIFY",
                null,
                "notification \"" + n.payload() + "\" on channel \"" + n.channel() + "\"",
                null,
                null,
                null));
      } else if (!(m instanceof BackendMessage.ParameterStatus)) {
        throw unexpected(m, "after a Query");
      }
    }
  }

  private static StatementResult result(
      SqlScript.Statement s,
      List<StatementResult.ColumnInfo> columns,
      List<List<String>> rows,
      String tag,
      StringBuilder copy,
      List<StatementResult.Message> notices,
      BackendMessage.Notice error) {
    String status = StatementResult.OK;
    if (error != null) {
      status = refusedByBroker(error) ? StatementResult.BLOCKED : StatementResult.FAILED;
    }
    return new StatementResult(
        s.index(),
        s.line(),
        s.sql(),
        status,
        error == null ? tag : null,
        columns == null ? null : List.copyOf(columns),
        rows == null ? null : java.util.Collections.unmodifiableList(rows),
        copy == null ? null : copy.toString(),
        List.copyOf(notices),
        error == null ? null : StatementResult.Message.of(error));
  }

  /**
   * Whether the error reads as the engine's own refusal (a guardrail's, or a held statement not
   * approved). The target could send the same text; the command confirms it with the session's
   * record before exiting as refused.
   */
  static boolean refusedByBroker(BackendMessage.Notice e) {
    String hint = e.hint() == null ? "" : e.hint();
    if ("42501".equals(e.code()) && hint.startsWith(GUARDRAIL_HINT)) {
      return true;
    }
    return ("42501".equals(e.code()) || "57014".equals(e.code()))
        && e.message().startsWith(HOLD_REFUSED)
        && e.message().contains(" did not run: ")
        && !e.message().endsWith("did not run: cancelled by the client");
  }

  private static boolean fatal(BackendMessage.Notice n) {
    String severity = n.severity();
    return "FATAL".equals(severity) || "PANIC".equals(severity);
  }

  private static SessionEnded ended(BackendMessage.Notice n) {
    return new SessionEnded(
        StatementResult.Message.of(n),
        n.severity() + (n.code() == null ? "" : " " + n.code()) + ": " + n.message());
  }

  private BackendMessage read() throws IOException, PgProtocolException, SessionEnded {
    try {
      return decoder.read();
    } catch (java.io.EOFException e) {
      throw new SessionEnded(null, "the broker closed the connection");
    }
  }

  private static PgProtocolException unexpected(BackendMessage m, String when) {
    String type =
        m instanceof BackendMessage.Other o
            ? "'" + BackendDecoder.printable(o.type()) + "'"
            : m.getClass().getSimpleName();
    return new PgProtocolException("unexpected message " + type + " " + when);
  }

  /**
   * Asks the engine to cancel the running statement (or the hold it waits in) with a CancelRequest
   * on a new connection; false when nothing runs or the engine sent no key. Any thread.
   */
  public boolean cancel() {
    BackendMessage.BackendKeyData k = key;
    if (!running || k == null) {
      return false;
    }
    try {
      Stream s = dialer.dial();
      try {
        s.out().write(FrontendMessages.cancelRequest(k.processId(), k.secretKey()));
        s.out().flush();
        // The engine answers nothing and closes: wait for that, briefly, so the request is read.
        Thread drain =
            new Thread(
                () -> {
                  try {
                    s.in().read();
                  } catch (IOException e) {
                    // Closed: done either way.
                  }
                },
                "hoop-exec-cancel");
        drain.setDaemon(true);
        drain.start();
        drain.join(CANCEL_WAIT_MILLIS);
      } finally {
        s.closer().close();
      }
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Says goodbye (Terminate) and closes the connection. */
  @Override
  public void close() {
    try {
      out.write(FrontendMessages.terminate());
      out.flush();
    } catch (IOException e) {
      // Closing anyway.
    }
    closeQuietly();
  }

  /** Closes the connection without a goodbye; any thread (a blocked read then fails). */
  public void abort() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      stream.closer().close();
    } catch (IOException e) {
      // Nothing more to do with it.
    }
  }
}
