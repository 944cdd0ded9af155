package io.hoop.engine.postgres.engine;

import io.hoop.engine.postgres.codec.RawDataRow;
import io.hoop.engine.postgres.engine.Pending.CatalogLoad;
import io.hoop.engine.postgres.engine.Pending.Describing;
import io.hoop.engine.postgres.engine.Pending.ExecuteRun;
import io.hoop.engine.postgres.engine.Pending.Explain;
import io.hoop.engine.postgres.engine.Pending.LocalReply;
import io.hoop.engine.postgres.engine.Pending.QueryRun;
import io.hoop.engine.postgres.engine.Pending.Repair;
import io.hoop.engine.postgres.engine.Pending.Run;
import io.hoop.engine.postgres.engine.Pending.StandIn;
import io.hoop.engine.postgres.engine.Pending.SyncPoint;
import io.hoop.engine.postgres.engine.internal.ColumnCatalog;
import io.hoop.engine.postgres.engine.internal.CopyMasker;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.NoticeMasker;
import io.hoop.engine.postgres.mask.PlanLineage;
import io.hoop.engine.postgres.mask.RowMasker;
import io.hoop.engine.postgres.mask.StatementLineage;
import io.hoop.engine.postgres.mask.TextMasker;
import io.hoop.engine.postgres.message.CopyData;
import io.hoop.engine.postgres.message.CopyDone;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.CommandComplete;
import io.hoop.engine.postgres.message.backend.CopyOutResponse;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.EmptyQueryResponse;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.backend.NoData;
import io.hoop.engine.postgres.message.backend.NoticeResponse;
import io.hoop.engine.postgres.message.backend.PortalSuspended;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.hoop.engine.postgres.message.backend.ReadyForQuery.TransactionStatus;
import io.hoop.engine.postgres.message.backend.RowDescription;
import io.hoop.engine.postgres.message.frontend.Query;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of a ready session: each backend message is matched to the head of the {@link
 * Pending} queue, rows are masked with the result set's {@link RowMasker}, COPY data with the
 * detectors (or refused), every statement's outcome is recorded, and the engine's own catalog reads
 * are consumed here without reaching the client.
 */
final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  private final PostgresSession engine;
  private final Requests requests;
  private final Deque<Pending> pending;
  private final MaskingRules masking;
  private final TextMasker textMasker;
  private final boolean columnRules;
  private final NoticeMasker noticeMasker;
  private final Lineages lineages;
  // Server-side order: portal descriptions as the server answered them.
  private final Map<String, RowDescription> portalRows = new HashMap<>();
  private ColumnCatalog catalog = ColumnCatalog.EMPTY;
  private boolean catalogStale;
  private TransactionStatus status = TransactionStatus.IDLE;

  Responses(
      PostgresSession engine,
      Requests requests,
      Deque<Pending> pending,
      PostgresSettings settings,
      Lineages lineages) {
    this.engine = engine;
    this.lineages = lineages;
    this.requests = requests;
    this.pending = pending;
    this.masking = settings.masking();
    this.textMasker = masking == null ? null : new TextMasker(masking);
    this.columnRules = masking != null && !masking.columns().isEmpty();
    this.noticeMasker = masking == null ? null : new NoticeMasker(masking);
  }

  /** The transaction status of the last ReadyForQuery, for the engine's own ReadyForQuery. */
  TransactionStatus status() {
    return status;
  }

  /** Whether masking needs the catalog (some rule names columns). */
  boolean needsCatalog() {
    return columnRules;
  }

  /** Sends the engine's catalog query; its answers are consumed by {@link #onResponse}. */
  void loadCatalog(boolean initial) {
    catalogStale = false;
    pending.add(new CatalogLoad(initial));
    engine.toServer(new Query(ColumnCatalog.query(masking)));
  }

  /** Handles one backend message of a ready (or catalog-loading) session. */
  void onResponse(ChannelHandlerContext ctx, BackendMessage message) {
    Pending head = pending.peek();
    if (head instanceof Explain || head instanceof Repair) {
      onInternal(head, message);
      return;
    }
    if (message instanceof RowDescription description) {
      onRowDescription(ctx, head, description);
    } else if (message instanceof NoData) {
      if (head instanceof Describing describing) {
        pending.poll();
        if (describing.portal()) {
          portalRows.remove(describing.name());
        }
        if (!describing.forward()) {
          return;
        }
      }
      engine.forward(ctx, message);
    } else if (message instanceof CommandComplete complete) {
      onComplete(ctx, head, message, complete.tag(), complete.rows());
    } else if (message instanceof EmptyQueryResponse) {
      onComplete(ctx, head, message, "", 0);
    } else if (message instanceof PortalSuspended) {
      onComplete(ctx, head, message, "", -1);
    } else if (message instanceof ErrorResponse error) {
      onError(ctx, head, error);
    } else if (message instanceof ReadyForQuery ready) {
      onReady(ctx, ready);
    } else if (head instanceof CatalogLoad) {
      // Notices and the like of the engine's own query are not the client's business.
      return;
    } else if (message instanceof NoticeResponse notice && noticeMasker != null) {
      Map<Character, String> masked = noticeMasker.mask(notice.fields(), mayReadRuled(head));
      engine.forward(ctx, masked == null ? notice : new NoticeResponse(masked));
    } else if (message instanceof CopyOutResponse copy && head instanceof Run run) {
      onCopyOut(ctx, run, copy);
    } else if (message instanceof CopyData data && head instanceof Run run) {
      if (run.copyBlocked != null) {
        return;
      }
      if (run.copyMasker != null) {
        CopyMasker.Masked masked = run.copyMasker.mask(data.data());
        run.recording.masked(masked.maskedFields());
        engine.forward(ctx, masked.maskedFields() == 0 ? data : new CopyData(masked.data()));
        return;
      }
      engine.forward(ctx, message);
    } else if (message instanceof CopyDone && head instanceof Run run && run.copyBlocked != null) {
      return;
    } else {
      engine.forward(ctx, message);
    }
  }

  /**
   * The answers to the engine's own planner question: the plan's rows are kept, everything else
   * (parse, bind and close completions, notices, an error) is not the client's business; at the
   * ReadyForQuery the client's statement goes on.
   */
  private void onInternal(Pending head, BackendMessage message) {
    if (message instanceof ErrorResponse error) {
      if (head instanceof Explain explain) {
        explain.failed = true;
      }
      log.debug(
          "postgres lineage question failed {} sqlstate={}", engine.label(), error.sqlState());
      if ("FATAL".equals(error.severity()) || "PANIC".equals(error.severity())) {
        engine.fatal(
            error.sqlState() == null ? "XX000" : error.sqlState(),
            "target " + engine.target() + " ended the session: " + error.message());
      }
    } else if (message instanceof ReadyForQuery ready) {
      status = ready.status();
      pending.poll();
      if (head instanceof Explain explain) {
        requests.explained(explain);
      }
    }
  }

  /** Relays, masks or consumes one undecoded DataRow. */
  void onDataRow(ChannelHandlerContext ctx, RawDataRow raw) {
    Pending head = pending.peek();
    if (head instanceof Explain || head instanceof Repair) {
      try {
        if (head instanceof Explain explain && !explain.failed) {
          DataRow row = raw.decode();
          byte[] field = row.fields().isEmpty() ? null : row.fields().get(0);
          if (field == null || explain.json.length() + field.length > PlanLineage.MAX_JSON_CHARS) {
            explain.failed = true;
          } else {
            explain.json.append(new String(field, StandardCharsets.UTF_8));
          }
        }
      } finally {
        raw.frame().release();
      }
      return;
    }
    if (head instanceof CatalogLoad load) {
      try {
        load.loader.accept(raw.decode());
      } finally {
        raw.frame().release();
      }
      return;
    }
    if (!(head instanceof Run run)) {
      engine.forwardFrame(ctx, raw.frame());
      return;
    }
    if (run.masker == null && masking != null) {
      RowDescription description =
          run instanceof ExecuteRun execute ? portalRows.get(execute.portal) : null;
      if (description == null) {
        // Unreachable while every Execute is described; never send rows we cannot mask.
        raw.frame().release();
        engine.fatal("XX000", "hoop cannot mask rows whose columns were not described");
        return;
      }
      run.masker = masker(description, run);
    }
    if (run.masker != null && run.masker.refusedColumn() != null) {
      // The rows of a refused result never leave; the completion becomes the refusal.
      raw.frame().release();
      return;
    }
    if (run.masker == null || run.masker.passThrough()) {
      run.recording.row(0);
      // Untouched rows go on as the bytes that came in.
      engine.forwardFrame(ctx, raw.frame());
      return;
    }
    DataRow row;
    try {
      row = raw.decode();
    } catch (RuntimeException e) {
      engine.fatal(
          "08P01", "target " + engine.target() + " sent a malformed DataRow: " + e.getMessage());
      return;
    } finally {
      raw.frame().release();
    }
    RowMasker.MaskedRow masked = run.masker.mask(row);
    run.recording.row(masked.maskedFields());
    engine.forward(ctx, masked.row());
  }

  private void onRowDescription(ChannelHandlerContext ctx, Pending head, RowDescription rows) {
    if (head instanceof CatalogLoad) {
      return;
    }
    if (head instanceof Describing describing) {
      pending.poll();
      if (describing.portal()) {
        portalRows.put(describing.name(), rows);
      }
      if (!describing.forward()) {
        return;
      }
    } else if (head instanceof Run run && masking != null) {
      run.masker = masker(rows, run);
    }
    engine.forward(ctx, rows);
  }

  /**
   * Whether the statement of {@code head} may read ruled data (true when there is no statement to
   * judge): its computed columns, notices and errors are then of unknown lineage.
   */
  private boolean mayReadRuled(Pending head) {
    if (!columnRules) {
      return false;
    }
    if (!(head instanceof Run run) || run.recording == null || catalog == ColumnCatalog.EMPTY) {
      // Without the catalog (never read, or its read failed) nothing is known: fail closed.
      return true;
    }
    return StatementLineage.mayReadRuled(run.recording.sql(), catalog.lineageNames());
  }

  /**
   * Whether {@code sql} may read ruled data, by the catalog's lineage; true while the catalog is
   * unknown.
   */
  boolean mayReadRuled(String sql) {
    return columnRules
        && (catalog == ColumnCatalog.EMPTY
            || StatementLineage.mayReadRuled(sql, catalog.lineageNames()));
  }

  private RowMasker masker(RowDescription description, Run run) {
    if (columnRules) {
      for (RowDescription.Column column : description.columns()) {
        if (column.tableOid() != 0 && !catalog.knows(column.tableOid())) {
          // Redacted this time (fail closed); read again before the next statement.
          catalogStale = true;
        }
      }
    }
    return RowMasker.create(
        description,
        masking,
        columnRules ? catalog : (oid, number) -> null,
        columnRules && mayReadRuled(run),
        columnRules ? run.lineage() : null);
  }

  private void onComplete(
      ChannelHandlerContext ctx, Pending head, BackendMessage message, String tag, long rows) {
    if (head instanceof CatalogLoad) {
      return;
    }
    if (!(head instanceof Run run)) {
      engine.forward(ctx, message);
      return;
    }
    if (run.copyBlocked != null) {
      ErrorResponse refused =
          ErrorResponse.of(
              "ERROR", "42501", "statement blocked by masking:copy: " + run.copyBlocked);
      engine.record(run.recording.blocked("masking:copy"));
      engine.forward(ctx, refused);
    } else if (run.masker != null && run.masker.refusedColumn() != null) {
      ErrorResponse refused =
          ErrorResponse.of(
              "ERROR",
              "42501",
              "statement blocked by masking: result column \""
                  + run.masker.refusedColumn()
                  + "\" may derive from a ruled column and hoop cannot tell from which"
                  + " (masking.onUnknownLineage: refuse); select the ruled columns directly");
      engine.record(run.recording.blocked("masking:lineage"));
      engine.forward(ctx, refused);
    } else {
      engine.record(run.recording.completed(tag, rows));
      engine.forward(ctx, message);
    }
    if (columnRules && (tag.startsWith("CREATE") || tag.startsWith("ALTER"))) {
      catalogStale = true;
    }
    if (run instanceof QueryRun query) {
      query.next();
    } else {
      pending.poll();
    }
  }

  private void onError(ChannelHandlerContext ctx, Pending head, ErrorResponse serverError) {
    ErrorResponse error = serverError;
    if (head instanceof CatalogLoad load) {
      load.failed = true;
      log.warn("postgres catalog read failed {} sqlstate={}", engine.label(), error.sqlState());
      return;
    }
    if (head instanceof StandIn standIn && isStandInError(error)) {
      // The client gets the same denial as when the engine answers alone.
      pending.poll();
      engine.forward(ctx, standIn.denial());
      return;
    }
    if (noticeMasker != null) {
      // Before the recording too: the audit must not keep what the client may not see.
      Map<Character, String> masked = noticeMasker.mask(error.fields(), mayReadRuled(head));
      error = masked == null ? error : new ErrorResponse(masked);
    }
    StandIn skipped = null;
    if (head instanceof QueryRun query) {
      engine.record(query.recording.failed(error.sqlState(), error.message()));
      query.next();
    } else {
      // The server skips the rest of the batch up to Sync; so do the expectations.
      boolean recorded = false;
      while (pending.peek() instanceof ExecuteRun || pending.peek() instanceof Describing) {
        if (pending.poll() instanceof ExecuteRun execute && !recorded) {
          engine.record(execute.recording.failed(error.sqlState(), error.message()));
          recorded = true;
        }
      }
      if (pending.peek() instanceof StandIn standIn) {
        // An earlier message of the batch failed, so the server skipped the stand-in too.
        pending.poll();
        skipped = standIn;
      }
    }
    if ("FATAL".equals(error.severity()) || "PANIC".equals(error.severity())) {
      engine.serverSentFatal();
    }
    engine.forward(ctx, error);
    if (skipped != null) {
      engine.forward(ctx, skipped.denial());
    }
  }

  /** Whether {@code error} is the server's syntax error for the engine's stand-in statement. */
  private static boolean isStandInError(ErrorResponse error) {
    return "42601".equals(error.sqlState())
        && error.message() != null
        && error.message().contains(Requests.STAND_IN_WORD);
  }

  private void onCopyOut(ChannelHandlerContext ctx, Run run, CopyOutResponse copy) {
    if (masking != null && copy.overallFormat() != 0) {
      // Binary COPY rows carry no types: the detectors cannot read them, so none are sent.
      run.copyBlocked =
          "binary COPY ... TO STDOUT cannot be masked on this target; use the text or csv"
              + " format, or SELECT, whose results are masked";
      return;
    }
    // COPY rows carry no column origins: the guard (CopyCheck, with the catalog's lineage) refused
    // every COPY ... TO that may read a ruled column before it ran.
    if (textMasker != null && textMasker.active()) {
      run.copyMasker = new CopyMasker(textMasker);
    }
    engine.forward(ctx, copy);
  }

  private void onReady(ChannelHandlerContext ctx, ReadyForQuery ready) {
    status = ready.status();
    boolean forward = true;
    while (!pending.isEmpty()) {
      Pending due = pending.poll();
      if (due instanceof SyncPoint sync) {
        forward = sync.forward();
        break;
      }
      if (due instanceof QueryRun) {
        break;
      }
      if (due instanceof StandIn standIn) {
        // Unreachable while the server fails the stand-in; the client still learns why.
        engine.forward(ctx, standIn.denial());
        continue;
      }
      if (due instanceof CatalogLoad load) {
        forward = false;
        if (!load.failed) {
          catalog = load.loader.build();
          lineages.catalog(catalog);
        }
        if (load.initial) {
          engine.becomeReady(ctx, engine.heldReady);
          engine.heldReady = null;
        }
        break;
      }
    }
    if (forward) {
      engine.forward(ctx, ready);
    }
    while (pending.peek() instanceof LocalReply local) {
      pending.poll();
      engine.emit(local.error(), local.ready());
    }
    if (status == TransactionStatus.IDLE) {
      portalRows.clear();
    }
    if (catalogStale
        && engine.ready()
        && pending.isEmpty()
        && !requests.inBatch()
        && status != TransactionStatus.FAILED) {
      loadCatalog(false);
    }
  }
}
