package io.hoop.engine.postgres.engine;

import io.hoop.api.Durations;
import io.hoop.engine.postgres.engine.Pending.Describing;
import io.hoop.engine.postgres.engine.Pending.ExecuteRun;
import io.hoop.engine.postgres.engine.Pending.Explain;
import io.hoop.engine.postgres.engine.Pending.QueryRun;
import io.hoop.engine.postgres.engine.Pending.Repair;
import io.hoop.engine.postgres.engine.Pending.StandIn;
import io.hoop.engine.postgres.engine.Pending.SyncPoint;
import io.hoop.engine.postgres.engine.internal.Recording;
import io.hoop.engine.postgres.guard.ColumnRules;
import io.hoop.engine.postgres.guard.CopyCheck;
import io.hoop.engine.postgres.guard.Decision;
import io.hoop.engine.postgres.guard.GuardrailPolicy;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.ResultLineage;
import io.hoop.engine.postgres.mask.TextMasker;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.backend.Field;
import io.hoop.engine.postgres.message.backend.ReadyForQuery.TransactionStatus;
import io.hoop.engine.postgres.message.frontend.Bind;
import io.hoop.engine.postgres.message.frontend.Close;
import io.hoop.engine.postgres.message.frontend.Describe;
import io.hoop.engine.postgres.message.frontend.Execute;
import io.hoop.engine.postgres.message.frontend.Flush;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.hoop.engine.postgres.message.frontend.FunctionCall;
import io.hoop.engine.postgres.message.frontend.ObjectKind;
import io.hoop.engine.postgres.message.frontend.Parse;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.hoop.engine.postgres.message.frontend.Terminate;
import io.hoop.engine.postgres.sql.SqlTokenizer;
import io.hoop.engine.postgres.sql.Statement;
import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenizedSql;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.Holds;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of a ready session: every message is checked against the guardrails (and the
 * masking's COPY restriction), remembered for the recording and queued as a {@link Pending}
 * expectation before it goes upstream; an Execute the client did not describe gets a Describe the
 * engine adds, so the rows' formats and origins are always known for masking.
 */
final class Requests {
  private static final Logger log = LoggerFactory.getLogger(Requests.class);

  /** Named statements and portals remembered for the recording; beyond that SQL shows unknown. */
  private static final int MAX_NAMES = 10_000;

  /** The word the server's syntax error for the stand-in quotes. */
  static final String STAND_IN_WORD = "hoop_blocked_statement";

  /**
   * Sent in place of a blocked statement that must fail on the server: a syntax error, so it has no
   * side effects, needs nothing installed and says in the server's log what it is.
   */
  static final String STAND_IN_SQL =
      STAND_IN_WORD + " /* hoop: a guardrail blocked this statement; it was not sent */";

  /** Messages kept while a statement is held; a client that pipelines more is cut off. */
  private static final int MAX_WAITING = 1024;

  /** Where holds are recorded: the broker's store may block, the event loop must not. */
  private static final ExecutorService HOLD_RECORDER =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "pg-hold-recorder");
            t.setDaemon(true);
            return t;
          });

  /** A bound portal's statement and parameters, for the Execute's recording. */
  private record Bound(String sql, List<String> parameters) {}

  /**
   * The planner's lineage of a statement, in {@code holder[0]} (null: unknown; filled when the
   * answer arrives, before the statement's rows), valid while the epoch is current.
   */
  private record Known(ResultLineage[] holder, long epoch) {}

  /** A statement the planner is asked about, and where its answer goes. */
  private record Question(String sql, ResultLineage[] into, int index) {}

  private final PostgresSession engine;
  private final Deque<Pending> pending;
  private final Rules rules;
  private final MaskingRules masking;
  private final TextMasker textMasker;
  private final boolean columnRules;
  private final ColumnRules copyColumns;
  private final EngineListener listener;
  private final Map<String, String> statements = new HashMap<>();
  private final Map<String, List<Integer>> statementTypes = new HashMap<>();
  private final Map<String, Bound> portals = new HashMap<>();
  private final Lineages lineages;
  private final Map<String, Known> statementLineages = new HashMap<>();
  private final Map<String, Known> portalLineages = new HashMap<>();
  private final Deque<Question> questions = new ArrayDeque<>();
  // The client's statement that waits for the planner's answers; its later messages wait too.
  private Runnable afterQuestions;
  private final Set<String> describedPortals = new HashSet<>();
  private final Holds holds;
  private final Duration holdTimeout;
  private final Map<String, Decision> statementReviews = new HashMap<>();
  private final Map<String, Decision> portalReviews = new HashMap<>();
  private final Set<String> approvedPortals = new HashSet<>();
  private final Deque<FrontendMessage> waiting = new ArrayDeque<>();
  // The statement held for a reviewer: the client's later messages wait in `waiting`.
  private Hold held;
  // Whether `held` is set, for a CancelRequest arriving on another session's thread.
  private volatile boolean holding;
  // The held Query a reviewer approved, let through once without a second decision.
  private FrontendMessage approved;
  private boolean batchForwarded;
  private boolean discarding;
  // A stand-in Parse went upstream: the server discards up to Sync too, and needs that Sync.
  private boolean serverDiscarding;

  Requests(
      PostgresSession engine,
      Deque<Pending> pending,
      PostgresSettings settings,
      Lineages lineages) {
    this.engine = engine;
    this.lineages = lineages;
    this.pending = pending;
    this.rules = settings.rules();
    this.masking = settings.masking();
    this.textMasker = masking == null ? null : new TextMasker(masking);
    this.columnRules = masking != null && !masking.columns().isEmpty();
    this.copyColumns = columnRules ? copyColumns(engine, masking) : ColumnRules.NONE;
    this.listener = settings.listener();
    this.holds = settings.holds();
    this.holdTimeout = rules.holdTimeout();
  }

  /**
   * COPY's question to the rules: a relation by the rules' names, and a relation that is not ruled
   * by name but depends on ruled data (a partition, an inheritance child: its name is in the
   * catalog's lineage) whatever its column list; a {@code COPY (query)} by the catalog's lineage
   * (the same test that decides whether computed columns are masked).
   */
  private static ColumnRules copyColumns(PostgresSession engine, MaskingRules masking) {
    ColumnRules byName =
        ColumnRules.fromGlobs(masking.columns().stream().map(MaskRule::columnGlob).toList());
    return new ColumnRules() {
      @Override
      public boolean readsRuledColumn(String schema, String table, List<String> columns) {
        if (byName.readsRuledColumn(schema, table, List.of())) {
          return byName.readsRuledColumn(schema, table, columns);
        }
        return engine.mayReadRuled(table);
      }

      @Override
      public boolean queryReadsRuledColumn(String query) {
        return engine.mayReadRuled(query);
      }
    };
  }

  /** Whether an extended-protocol batch was sent without its Sync yet. */
  boolean inBatch() {
    return batchForwarded || serverDiscarding;
  }

  /** Blocks, holds or forwards one client message. */
  void guard(FrontendMessage message) {
    if (held != null || afterQuestions != null) {
      if (waiting.size() >= MAX_WAITING) {
        engine.fatal(
            "54000",
            "hoop: the client sent more than "
                + MAX_WAITING
                + " messages while "
                + (held == null
                    ? "hoop asked the server for a statement's lineage"
                    : "statement " + held.id() + " waits for a reviewer"));
      } else {
        waiting.add(message);
      }
      return;
    }
    if (discarding) {
      // After a blocked Parse the server would skip everything up to Sync; so do we.
      if (message instanceof Sync) {
        discarding = false;
        batchForwarded = false;
        if (serverDiscarding) {
          // The server skips up to this Sync after the stand-in's error; it ends the batch.
          serverDiscarding = false;
          pending.add(new SyncPoint(true));
          engine.toUpstream(message);
        } else {
          engine.reply(null, true);
        }
      } else if (message instanceof Flush && serverDiscarding) {
        engine.toUpstream(message);
      }
      return;
    }
    if (message instanceof Query query) {
      Decision decision = message == approved ? Decision.allow() : decide(query.sql());
      approved = null;
      if (decision.review()) {
        hold(new Hold(query, decision, query.sql(), List.of()));
        return;
      }
      if (!decision.allowed()) {
        blocked(query.sql(), List.of(), decision);
        if (answerLocally()) {
          engine.reply(denial(decision), true);
        } else {
          failOnServer(denial(decision));
        }
        return;
      }
      forwardQuery(query);
      return;
    } else if (message instanceof Parse parse) {
      Decision decision = decide(parse.sql());
      if (decision.review()) {
        // Parsing runs nothing: the hold comes at the Execute, with the parameters bound.
        statementReviews.put(parse.statement(), decision);
      } else {
        statementReviews.remove(parse.statement());
      }
      if (decision.denied()) {
        blocked(parse.sql(), List.of(), decision);
        if (answerLocally()) {
          engine.reply(denial(decision), false);
        } else {
          // The server fails at the stand-in and skips the rest of the batch up to the client's
          // Sync, ending (or aborting) the transaction the way the blocked statement's error would.
          pending.add(new StandIn(denial(decision)));
          engine.toUpstream(new Parse("", STAND_IN_SQL, List.of()));
          serverDiscarding = true;
        }
        discarding = true;
        return;
      }
      if (lineages.active() && lineages.needed(parse.sql())) {
        ResultLineage cached = lineages.cached(parse.sql());
        if (cached == null && Lineages.explainable(parse.sql()) && canAsk()) {
          ResultLineage[] into = new ResultLineage[1];
          ask(
              List.of(new Question(parse.sql(), into, 0)),
              () -> {
                remember(statementLineages, parse.statement(), new Known(into, lineages.epoch()));
                forwardParse(parse);
              });
          return;
        }
        remember(
            statementLineages,
            parse.statement(),
            new Known(new ResultLineage[] {cached}, lineages.epoch()));
      } else {
        statementLineages.remove(parse.statement());
      }
      forwardParse(parse);
      return;
    } else if (message instanceof Bind bind) {
      String sql = statements.get(bind.statement());
      Known known = statementLineages.get(bind.statement());
      if (sql != null
          && known != null
          && known.epoch() != lineages.epoch()
          && lineages.needed(sql)) {
        // Names may resolve differently since the Parse: ask again.
        ResultLineage cached = lineages.cached(sql);
        if (cached == null && Lineages.explainable(sql) && canAsk()) {
          ResultLineage[] into = new ResultLineage[1];
          ask(
              List.of(new Question(sql, into, 0)),
              () -> {
                remember(statementLineages, bind.statement(), new Known(into, lineages.epoch()));
                forwardBind(bind);
              });
          return;
        }
        remember(
            statementLineages,
            bind.statement(),
            new Known(new ResultLineage[] {cached}, lineages.epoch()));
      }
      forwardBind(bind);
      return;
    } else if (message instanceof Describe describe) {
      boolean portal = describe.kind() == ObjectKind.PORTAL;
      if (portal && describedPortals.size() < MAX_NAMES) {
        describedPortals.add(describe.name());
      }
      pending.add(new Describing(portal, describe.name(), true));
      batchForwarded = true;
    } else if (message instanceof Execute execute) {
      Decision review = portalReviews.get(execute.portal());
      if (review != null && !approvedPortals.contains(execute.portal())) {
        Bound bound =
            portals.getOrDefault(execute.portal(), new Bound("<unknown portal>", List.of()));
        hold(new Hold(execute, review, bound.sql(), bound.parameters()));
        return;
      }
      if (masking != null && !describedPortals.contains(execute.portal())) {
        // The rows' formats and origins are only known from the portal's description.
        engine.toUpstream(new Describe(ObjectKind.PORTAL, execute.portal()));
        pending.add(new Describing(true, execute.portal(), false));
        describedPortals.add(execute.portal());
      }
      Bound bound =
          portals.getOrDefault(execute.portal(), new Bound("<unknown portal>", List.of()));
      Known known = portalLineages.get(execute.portal());
      ResultLineage[] lineage =
          known != null && known.epoch() == lineages.epoch() ? known.holder() : null;
      pending.add(
          new ExecuteRun(
              execute.portal(), new Recording(bound.sql(), bound.parameters()), lineage));
      if (lineages.active() && !lineages.keepsNames(bound.sql())) {
        lineages.bump();
      }
      batchForwarded = true;
    } else if (message instanceof Close close) {
      if (close.kind() == ObjectKind.PORTAL) {
        portals.remove(close.name());
        describedPortals.remove(close.name());
        portalReviews.remove(close.name());
        approvedPortals.remove(close.name());
        portalLineages.remove(close.name());
      } else {
        statements.remove(close.name());
        statementTypes.remove(close.name());
        statementReviews.remove(close.name());
        statementLineages.remove(close.name());
      }
      batchForwarded = true;
    } else if (message instanceof Sync) {
      batchForwarded = false;
      pending.add(new SyncPoint(true));
    } else if (message instanceof FunctionCall && !rules.isEmpty()) {
      Decision decision =
          Decision.deny(
              "function-call",
              "statement blocked by guardrail function-call: fast-path function calls bypass"
                  + " the SQL guardrails and are not allowed on this target");
      blocked("<function call>", List.of(), decision);
      if (answerLocally()) {
        engine.reply(denial(decision), true);
      } else {
        failOnServer(denial(decision));
      }
      return;
    } else if (message instanceof FunctionCall) {
      lineages.bump();
      pending.add(new SyncPoint(true));
    } else if (message instanceof Terminate) {
      engine.terminating();
    }
    engine.toUpstream(message);
  }

  private void forwardParse(Parse parse) {
    remember(statements, parse.statement(), parse.sql());
    remember(statementTypes, parse.statement(), parse.parameterTypes());
    batchForwarded = true;
    engine.toUpstream(parse);
  }

  private void forwardBind(Bind bind) {
    String sql = statements.getOrDefault(bind.statement(), "<unknown statement>");
    Decision review = statementReviews.get(bind.statement());
    List<String> parameters =
        listener == EngineListener.NONE && review == null
            ? List.of()
            : Recording.parameters(
                bind, textMasker, statementTypes.getOrDefault(bind.statement(), List.of()));
    remember(portals, bind.portal(), new Bound(sql, parameters));
    describedPortals.remove(bind.portal());
    approvedPortals.remove(bind.portal());
    if (review == null) {
      portalReviews.remove(bind.portal());
    } else {
      portalReviews.put(bind.portal(), review);
    }
    Known known = statementLineages.get(bind.statement());
    if (known == null) {
      portalLineages.remove(bind.portal());
    } else {
      remember(portalLineages, bind.portal(), known);
    }
    batchForwarded = true;
    engine.toUpstream(bind);
  }

  /**
   * Sends a simple Query, after asking the planner for the lineage of those of its statements that
   * name ruled data (unless cached). A statement after one that may change how names resolve (SET
   * search_path, a function call) is not asked about: the answer would be for other names.
   */
  private void forwardQuery(Query query) {
    List<String> texts = split(query.sql());
    QueryRun run = new QueryRun(query.sql(), texts);
    if (!lineages.active()) {
      pending.add(run);
      engine.toUpstream(query);
      return;
    }
    List<Question> asks = new ArrayList<>();
    boolean keeps = !texts.isEmpty();
    for (int i = 0; i < texts.size(); i++) {
      String sql = texts.get(i);
      if (keeps && lineages.needed(sql)) {
        ResultLineage cached = lineages.cached(sql);
        if (cached != null) {
          run.lineages[i] = cached;
        } else if (Lineages.explainable(sql)) {
          asks.add(new Question(sql, run.lineages, i));
        }
      }
      keeps &= lineages.keepsNames(sql);
    }
    boolean changesNames = !keeps;
    Runnable send =
        () -> {
          pending.add(run);
          engine.toUpstream(query);
          if (changesNames) {
            lineages.bump();
          }
        };
    if (!asks.isEmpty() && canAsk()) {
      ask(asks, send);
    } else {
      send.run();
    }
  }

  /** Whether the engine may put its own question to the server now: nothing in flight. */
  private boolean canAsk() {
    return pending.isEmpty()
        && !batchForwarded
        && !serverDiscarding
        && engine.serverStatus() != TransactionStatus.FAILED;
  }

  /**
   * Asks the planner about each of {@code asks}, then runs {@code then} (which sends the client's
   * statement). Outside a transaction block the questions go right in front of the statement,
   * without waiting: each is its own implicit transaction, its answer arrives before the
   * statement's rows, and a failed question touches nothing of the client's. Inside a block a
   * failed question aborts the transaction, so the statement waits for each answer (and for the
   * rollback to the question's savepoint).
   */
  private void ask(List<Question> asks, Runnable then) {
    if (engine.serverStatus() == TransactionStatus.IDLE) {
      for (Question q : asks) {
        send(q, false, false);
      }
      then.run();
      return;
    }
    questions.addAll(asks);
    afterQuestions = then;
    send(questions.poll(), true, true);
  }

  private void send(Question q, boolean inTransaction, boolean waited) {
    pending.add(new Explain(q.sql(), lineages.epoch(), inTransaction, q.into(), q.index(), waited));
    engine.toServer(Lineages.explain(q.sql(), inTransaction));
  }

  /** The planner answered (or failed): on to the next question, or the client's statement. */
  void explained(Explain explain) {
    explain.into[explain.index] =
        explain.failed
            ? null
            : lineages.answer(explain.sql, explain.json.toString(), explain.epoch);
    if (!explain.waited) {
      return;
    }
    boolean repair = explain.failed && engine.serverStatus() == TransactionStatus.FAILED;
    if (repair) {
      // The failed question aborted the client's transaction: back to the savepoint before it.
      pending.add(new Repair());
      engine.toServer(Lineages.repair());
    }
    if (!questions.isEmpty() && !repair && engine.ready()) {
      send(questions.poll(), true, true);
      return;
    }
    questions.clear();
    Runnable then = afterQuestions;
    afterQuestions = null;
    if (then != null && engine.ready()) {
      then.run();
    }
    drain();
  }

  /**
   * Whether a blocked statement can be answered without the server: only when nothing is in flight
   * and the server is idle or already in a failed transaction. Inside a transaction block (or when
   * the status at this point of the stream is not known yet) the server must see an error, or the
   * client could commit what ran before the blocked statement.
   */
  private boolean answerLocally() {
    return pending.isEmpty()
        && !batchForwarded
        && engine.serverStatus() != TransactionStatus.IN_TRANSACTION;
  }

  /** Sends the stand-in as a simple Query, whose error and ReadyForQuery answer the client. */
  private void failOnServer(ErrorResponse denial) {
    pending.add(new StandIn(denial));
    pending.add(new SyncPoint(true));
    engine.toUpstream(new Query(STAND_IN_SQL));
  }

  private Decision decide(String sql) {
    Decision decision = GuardrailPolicy.decide(sql, rules);
    if (!decision.denied() && columnRules) {
      Decision copy = CopyCheck.decide(sql, copyColumns);
      if (!copy.allowed()) {
        return copy;
      }
    }
    return decision;
  }

  // ---- held statements ---------------------------------------------------------------------

  /** Records {@code h} with the broker (off the loop), then tells the client and waits. */
  private void hold(Hold h) {
    held = h;
    holding = true;
    log.info("postgres statement held {} rule={}", engine.label(), h.decision.ruleName());
    Holds.HoldRequest request = new Holds.HoldRequest("sql", h.operation(), h.decision.ruleName());
    EventLoop loop = engine.eventLoop();
    CompletableFuture.supplyAsync(() -> holds.hold(request), HOLD_RECORDER)
        .thenCompose(stage -> stage)
        .whenComplete((hold, error) -> loop.execute(() -> recorded(h, hold, error)));
  }

  private void recorded(Hold h, Holds.Hold hold, Throwable error) {
    if (held != h) {
      // Cancelled or closed while the broker recorded it: end it there too.
      if (hold != null) {
        h.recorded = hold;
        h.cancel();
      }
      return;
    }
    if (error != null || hold == null) {
      Throwable cause =
          error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
      refuse(
          h,
          "42501",
          "it could not be held for review ("
              + (cause == null || cause.getMessage() == null ? "no hold" : cause.getMessage())
              + ")");
      return;
    }
    h.recorded = hold;
    engine.notice(hold.notice());
    EventLoop loop = engine.eventLoop();
    h.timer = loop.schedule(() -> timedOut(h), holdTimeout.toMillis(), TimeUnit.MILLISECONDS);
    hold.decision().whenComplete((d, e) -> loop.execute(() -> decided(h, d)));
  }

  private void decided(Hold h, Holds.Decision d) {
    if (held != h) {
      return;
    }
    if (d != null && d.approved()) {
      approve(h, d);
      return;
    }
    String reason;
    if (d == null) {
      reason = "the broker stopped before a reviewer decided";
    } else if (d.by().equals("hoop")) {
      reason = d.reason().isBlank() ? "it was refused" : d.reason();
    } else {
      reason = "denied by " + d.by() + (d.reason().isBlank() ? "" : ": " + d.reason());
    }
    refuse(h, "42501", reason);
  }

  private void timedOut(Hold h) {
    if (held != h) {
      return;
    }
    h.cancel();
    refuse(h, "57014", "no reviewer decided within " + Durations.format(holdTimeout));
  }

  /** Whether a statement waits for a reviewer; read from any thread. */
  boolean holding() {
    return holding;
  }

  /** The client's CancelRequest: a held statement is refused (and its hold cancelled). */
  boolean cancelHold() {
    Hold h = held;
    if (h == null) {
      return false;
    }
    h.cancel();
    refuse(h, "57014", "cancelled by the client");
    return true;
  }

  /** The session ended: a hold still waiting is cancelled, queued messages dropped. */
  void closed() {
    if (held != null) {
      held.cancel();
      held = null;
      holding = false;
    }
    waiting.clear();
    questions.clear();
    afterQuestions = null;
  }

  private void approve(Hold h, Holds.Decision d) {
    if (h.timer != null) {
      h.timer.cancel(false);
    }
    held = null;
    holding = false;
    log.info("postgres held statement approved {} hold={} by={}", engine.label(), h.id(), d.by());
    if (h.message instanceof Execute execute) {
      approvedPortals.add(execute.portal());
    } else {
      approved = h.message;
    }
    guard(h.message);
    drain();
  }

  private void refuse(Hold h, String sqlState, String reason) {
    if (h.timer != null) {
      h.timer.cancel(false);
    }
    held = null;
    holding = false;
    String rule = h.decision.ruleName();
    Decision refusal =
        Decision.deny(
            rule,
            "statement held for review as "
                + h.id()
                + " by guardrail "
                + rule
                + " did not run: "
                + reason);
    blocked(h.sql, h.parameters, refusal);
    ErrorResponse error =
        ErrorResponse.of("ERROR", sqlState, refusal.message())
            .with(Field.HINT, "send it again to ask for a new approval");
    if (h.message instanceof Query) {
      if (answerLocally()) {
        engine.reply(error, true);
      } else {
        failOnServer(error);
      }
    } else {
      // The batch's Parse and Bind went upstream: the server must fail here and skip to Sync.
      pending.add(new StandIn(error));
      engine.toUpstream(new Parse("", STAND_IN_SQL, List.of()));
      serverDiscarding = true;
      discarding = true;
    }
    drain();
  }

  /** Handles the messages that waited for a decision, until one is held again. */
  private void drain() {
    while (held == null && afterQuestions == null && !waiting.isEmpty() && engine.ready()) {
      guard(waiting.poll());
    }
    engine.flushUpstream();
  }

  /** The texts of the statements of a simple Query, for one recording each. */
  private static List<String> split(String sql) {
    int semicolon = sql.indexOf(';');
    if (semicolon < 0 || sql.substring(semicolon + 1).isBlank()) {
      return List.of(semicolon < 0 ? sql.strip() : sql.substring(0, semicolon).strip());
    }
    TokenizedSql tokenized = SqlTokenizer.tokenize(sql);
    if (!tokenized.complete()) {
      return List.of();
    }
    List<String> texts = new ArrayList<>();
    for (Statement statement : tokenized.statements()) {
      if (!statement.isEmpty()) {
        List<Token> tokens = statement.tokens();
        texts.add(sql.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end()));
      }
    }
    return texts;
  }

  private static <V> void remember(Map<String, V> names, String name, V value) {
    if (name.isEmpty() || names.size() < MAX_NAMES || names.containsKey(name)) {
      names.put(name, value);
    }
  }

  private void blocked(String sql, List<String> parameters, Decision decision) {
    log.info("postgres statement blocked {} rule={}", engine.label(), decision.ruleName());
    engine.record(new Recording(sql, parameters).blocked(decision.ruleName()));
  }

  private static ErrorResponse denial(Decision decision) {
    return ErrorResponse.of("ERROR", "42501", decision.message())
        .with(Field.HINT, "hoop guardrails of this target deny it; ask the target's owner");
  }
}
