package io.hoop.engine.postgres.engine;

import io.hoop.engine.postgres.engine.Pending.Describing;
import io.hoop.engine.postgres.engine.Pending.ExecuteRun;
import io.hoop.engine.postgres.engine.Pending.QueryRun;
import io.hoop.engine.postgres.engine.Pending.StandIn;
import io.hoop.engine.postgres.engine.Pending.SyncPoint;
import io.hoop.engine.postgres.engine.internal.Recording;
import io.hoop.engine.postgres.guard.Decision;
import io.hoop.engine.postgres.guard.GuardrailPolicy;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskingRules;
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
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

  /** A bound portal's statement and parameters, for the Execute's recording. */
  private record Bound(String sql, List<String> parameters) {}

  private final PostgresSession engine;
  private final Deque<Pending> pending;
  private final Rules rules;
  private final MaskingRules masking;
  private final TextMasker textMasker;
  private final boolean columnRules;
  private final EngineListener listener;
  private final Map<String, String> statements = new HashMap<>();
  private final Map<String, Bound> portals = new HashMap<>();
  private final Set<String> describedPortals = new HashSet<>();
  private boolean batchForwarded;
  private boolean discarding;
  // A stand-in Parse went upstream: the server discards up to Sync too, and needs that Sync.
  private boolean serverDiscarding;

  Requests(PostgresSession engine, Deque<Pending> pending, PostgresSettings settings) {
    this.engine = engine;
    this.pending = pending;
    this.rules = settings.rules();
    this.masking = settings.masking();
    this.textMasker = masking == null ? null : new TextMasker(masking);
    this.columnRules = masking != null && !masking.columns().isEmpty();
    this.listener = settings.listener();
  }

  /** Whether an extended-protocol batch was sent without its Sync yet. */
  boolean inBatch() {
    return batchForwarded || serverDiscarding;
  }

  /** Blocks or forwards one client message. */
  void guard(FrontendMessage message) {
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
      Decision decision = decide(query.sql());
      if (!decision.allowed()) {
        blocked(query.sql(), List.of(), decision);
        if (answerLocally()) {
          engine.reply(denial(decision), true);
        } else {
          failOnServer(denial(decision));
        }
        return;
      }
      pending.add(new QueryRun(query.sql(), split(query.sql())));
    } else if (message instanceof Parse parse) {
      Decision decision = decide(parse.sql());
      if (!decision.allowed()) {
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
      remember(statements, parse.statement(), parse.sql());
      batchForwarded = true;
    } else if (message instanceof Bind bind) {
      String sql = statements.getOrDefault(bind.statement(), "<unknown statement>");
      List<String> parameters =
          listener == EngineListener.NONE ? List.of() : Recording.parameters(bind, textMasker);
      remember(portals, bind.portal(), new Bound(sql, parameters));
      describedPortals.remove(bind.portal());
      batchForwarded = true;
    } else if (message instanceof Describe describe) {
      boolean portal = describe.kind() == ObjectKind.PORTAL;
      if (portal && describedPortals.size() < MAX_NAMES) {
        describedPortals.add(describe.name());
      }
      pending.add(new Describing(portal, describe.name(), true));
      batchForwarded = true;
    } else if (message instanceof Execute execute) {
      if (masking != null && !describedPortals.contains(execute.portal())) {
        // The rows' formats and origins are only known from the portal's description.
        engine.toUpstream(new Describe(ObjectKind.PORTAL, execute.portal()));
        pending.add(new Describing(true, execute.portal(), false));
        describedPortals.add(execute.portal());
      }
      Bound bound =
          portals.getOrDefault(execute.portal(), new Bound("<unknown portal>", List.of()));
      pending.add(new ExecuteRun(execute.portal(), new Recording(bound.sql(), bound.parameters())));
      batchForwarded = true;
    } else if (message instanceof Close close) {
      if (close.kind() == ObjectKind.PORTAL) {
        portals.remove(close.name());
        describedPortals.remove(close.name());
      } else {
        statements.remove(close.name());
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
      pending.add(new SyncPoint(true));
    } else if (message instanceof Terminate) {
      engine.terminating();
    }
    engine.toUpstream(message);
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
    if (decision.allowed() && columnRules && copiesOut(sql)) {
      return Decision.deny(
          "masking:copy",
          "statement blocked by masking: COPY ... TO cannot be masked by column on this target;"
              + " use SELECT, whose results are masked");
    }
    return decision;
  }

  /** Whether any statement is a COPY with TO outside parentheses (COPY ... TO STDOUT or a file). */
  private static boolean copiesOut(String sql) {
    if (sql.toLowerCase(Locale.ROOT).indexOf("copy") < 0) {
      return false;
    }
    for (Statement statement : SqlTokenizer.tokenize(sql).statements()) {
      List<Token> tokens = statement.tokens();
      if (tokens.isEmpty() || !tokens.get(0).isWord("copy")) {
        continue;
      }
      int depth = 0;
      for (Token token : tokens) {
        if (token.isPunct("(")) {
          depth++;
        } else if (token.isPunct(")")) {
          depth--;
        } else if (depth == 0 && token.isWord("to")) {
          return true;
        }
      }
    }
    return false;
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
