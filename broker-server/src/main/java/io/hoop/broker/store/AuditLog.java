package io.hoop.broker.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditEvent;
import io.hoop.api.AuditRecord;
import io.hoop.api.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only, hash-chained audit records in the store. Each record stores the SHA-256 of its
 * canonical encoding ({@link AuditCanonical}), which includes the previous record's hash, so
 * editing, deleting or reordering any record breaks every later link. Callers never pass secrets in
 * {@code details}.
 */
public final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private static final String COLUMNS =
      "seq, event_time, event_type, principal, target, grant_id, task, details, prev_hash, hash";
  private static final int MAX_APPEND_ATTEMPTS = 3;
  // The advisory lock replicas take to append to the one chain ("hoopaudt").
  private static final long CHAIN_LOCK = 0x686f6f7061756474L;
  private static final int MAX_BATCH = 256;

  private final Store store;
  private final Clock clock;
  private final Object appendLock = new Object();
  private final java.util.concurrent.ConcurrentLinkedQueue<Pending> queue =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  // Written only under appendLock; volatile so head() and the checkpointer read it without it.
  private volatile Head head;
  private volatile Boolean postgres;

  /** Opens the log: chains records written before hashing existed, then caches the head. */
  public AuditLog(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    synchronized (appendLock) {
      this.head = chainUnhashed();
    }
  }

  /** The last record's seq and hash ({@code 0} and the genesis hash for an empty log). */
  public record Head(long seq, String hash) {}

  /** The last record appended (cached; appends keep it current). */
  public Head head() {
    return head;
  }

  /**
   * Appends one event and returns it with its sequence number, once it is committed to the store.
   *
   * <p>Group commit: the caller queues its event, then whoever holds the writer lock drains the
   * whole queue, chains the events in queue order (seq, time and previous hash taken together, so
   * the chain is one line and times never go backwards along it) and inserts them in one
   * transaction. Callers that queued while a batch was being written find their event committed by
   * the next writer and return without writing. Every caller returns only after its own event is
   * committed, so an audited decision is never answered before its record is durable in the store.
   */
  public AuditEvent append(
      String type,
      String principal,
      String target,
      String grantId,
      String task,
      Map<String, Object> details) {
    Map<String, Object> d = details == null ? Map.of() : details;
    JsonNode tree = Json.mapper().valueToTree(d);
    Pending p =
        new Pending(type, principal, target, grantId, task, tree, AuditCanonical.json(tree), d);
    queue.add(p);
    synchronized (appendLock) {
      if (!p.done()) {
        writeQueued();
      }
    }
    return p.result();
  }

  /** One queued event and, once written, its outcome. Touched only under appendLock once queued. */
  private static final class Pending {
    final String type;
    final String principal;
    final String target;
    final String grantId;
    final String task;
    final JsonNode tree;
    final String json;
    final Map<String, Object> details;
    long seq;
    Instant time;
    String prevHash;
    String hash;
    AuditEvent event;
    RuntimeException failure;

    Pending(
        String type,
        String principal,
        String target,
        String grantId,
        String task,
        JsonNode tree,
        String json,
        Map<String, Object> details) {
      this.type = type;
      this.principal = principal;
      this.target = target;
      this.grantId = grantId;
      this.task = task;
      this.tree = tree;
      this.json = json;
      this.details = details;
    }

    boolean done() {
      return event != null || failure != null;
    }

    AuditEvent result() {
      if (failure != null) {
        throw failure;
      }
      return event;
    }
  }

  /** Writes everything queued, in batches of at most MAX_BATCH. Called under appendLock. */
  private void writeQueued() {
    List<Pending> batch = new ArrayList<>();
    for (Pending p = queue.poll(); p != null; p = queue.poll()) {
      batch.add(p);
      if (batch.size() == MAX_BATCH) {
        writeBatch(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      writeBatch(batch);
    }
  }

  private void writeBatch(List<Pending> batch) {
    for (int attempt = 1; ; attempt++) {
      Head h = chain(batch, head);
      try {
        head = insert(batch, h);
        for (Pending p : batch) {
          p.event =
              new AuditEvent(
                  p.seq,
                  p.time,
                  p.type,
                  p.principal,
                  p.target,
                  p.grantId,
                  p.task,
                  Map.copyOf(p.details));
        }
        return;
      } catch (SQLException e) {
        // The seq primary key is the last line of defence: a second writer on the same database
        // (another replica) makes the batch fail instead of forking the chain.
        if (!"23505".equals(e.getSQLState()) || attempt >= MAX_APPEND_ATTEMPTS) {
          StoreException failure =
              new StoreException(
                  "cannot append "
                      + batch.size()
                      + " audit event(s) from seq "
                      + batch.get(0).seq
                      + " ("
                      + batch.get(0).type
                      + ")",
                  e);
          batch.forEach(p -> p.failure = failure);
          return;
        }
        LOG.warn(
            "audit seq={} taken by another writer; reloading the chain head", batch.get(0).seq);
        try {
          head = loadHead();
        } catch (StoreException reload) {
          batch.forEach(p -> p.failure = reload);
          return;
        }
      } catch (RuntimeException e) {
        StoreException failure = new StoreException("cannot append audit events", e);
        batch.forEach(p -> p.failure = failure);
        return;
      }
    }
  }

  /** Chains the batch after {@code from} (seq, time, previous hash); returns the new head. */
  private Head chain(List<Pending> batch, Head from) {
    Head h = from;
    for (Pending p : batch) {
      p.seq = h.seq() + 1;
      p.time = AuditCanonical.truncate(clock.instant());
      p.prevHash = h.hash();
      p.hash =
          AuditCanonical.hash(
              p.seq, p.time, p.type, p.principal, p.target, p.grantId, p.task, p.tree, p.prevHash);
      h = new Head(p.seq, p.hash);
    }
    return h;
  }

  /**
   * Inserts a chained batch in one transaction; returns the head after it. On PostgreSQL, where
   * several replicas may append, the transaction first takes the chain's advisory lock and reads
   * the head under it: if another replica appended since, the batch is chained again after that
   * head, so the chain is one line whoever appends.
   */
  private Head insert(List<Pending> batch, Head chained) throws SQLException {
    String sql = "insert into audit_events (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      Head h = chained;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (shared(c)) {
          try (java.sql.Statement lock = c.createStatement()) {
            lock.execute("select pg_advisory_xact_lock(" + CHAIN_LOCK + ")");
          }
          Head current = readHead(c);
          if (!current.equals(head)) {
            h = chain(batch, current);
          }
        }
        for (Pending p : batch) {
          ps.setLong(1, p.seq);
          ps.setObject(2, Store.ts(p.time));
          ps.setString(3, p.type);
          ps.setString(4, p.principal);
          ps.setString(5, p.target);
          ps.setString(6, p.grantId);
          ps.setString(7, p.task);
          ps.setString(8, p.json);
          ps.setString(9, p.prevHash);
          ps.setString(10, p.hash);
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
        // Answered only once on file: with the decisions committed before it (H2 writes late).
        store.durable(c);
        return h;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  private boolean shared(Connection c) throws SQLException {
    Boolean p = postgres;
    if (p == null) {
      p = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
      postgres = p;
    }
    return p;
  }

  /**
   * Lists events after {@code afterSeq}, oldest first.
   *
   * @param principal only this principal's events, or all when null
   * @param task only this task's events, or all when null
   */
  public List<AuditEvent> list(long afterSeq, int limit, String principal, String task) {
    return list(new ListQuery(afterSeq, 0, null, null, false, limit, principal, task));
  }

  /**
   * Which events {@link #list(ListQuery)} returns.
   *
   * @param afterSeq only events with a greater seq (0: from the start)
   * @param beforeSeq only events with a smaller seq (0: up to the newest)
   * @param since only events at or after this time, or null
   * @param until only events before this time, or null
   * @param newestFirst the newest {@code limit} events, newest first; else the oldest, oldest first
   * @param limit at most this many events
   * @param principal only this principal's events, or all when null
   * @param task only this task's events, or all when null
   */
  public record ListQuery(
      long afterSeq,
      long beforeSeq,
      Instant since,
      Instant until,
      boolean newestFirst,
      int limit,
      String principal,
      String task) {}

  /** Lists the events {@code q} selects, in the order it asks for. */
  public List<AuditEvent> list(ListQuery q) {
    StringBuilder sql =
        new StringBuilder(
            "select seq, event_time, event_type, principal, target, grant_id, task, details from"
                + " audit_events where seq > ?");
    List<Object> args = new ArrayList<>();
    args.add(q.afterSeq());
    if (q.beforeSeq() > 0) {
      sql.append(" and seq < ?");
      args.add(q.beforeSeq());
    }
    if (q.since() != null) {
      sql.append(" and event_time >= ?");
      args.add(Store.ts(q.since()));
    }
    if (q.until() != null) {
      sql.append(" and event_time < ?");
      args.add(Store.ts(q.until()));
    }
    if (q.principal() != null) {
      sql.append(" and principal = ?");
      args.add(q.principal());
    }
    if (q.task() != null) {
      sql.append(" and task = ?");
      args.add(q.task());
    }
    sql.append(q.newestFirst() ? " order by seq desc limit ?" : " order by seq limit ?");
    args.add(q.limit());
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<AuditEvent> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new AuditEvent(
                  rs.getLong(1),
                  Store.instant(rs.getObject(2, OffsetDateTime.class)),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  Json.mapper().readValue(rs.getString(8), MAP)));
        }
      }
      return out;
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot list audit events", e);
    }
  }

  /**
   * Streams records with their hashes, oldest first, to {@code sink}; stops at {@code toSeq}.
   *
   * @param since only records at or after this time, or all when null
   * @param principal only this principal's records, or all when null
   * @param task only this task's records, or all when null
   * @param target only this target's records, or all when null
   */
  public void records(
      long toSeq,
      Instant since,
      String principal,
      String task,
      String target,
      Consumer<AuditRecord> sink) {
    StringBuilder sql =
        new StringBuilder("select " + COLUMNS + " from audit_events where seq <= ?");
    List<Object> args = new ArrayList<>();
    args.add(toSeq);
    if (since != null) {
      sql.append(" and event_time >= ?");
      args.add(Store.ts(since));
    }
    for (String[] f :
        new String[][] {{"principal", principal}, {"task", task}, {"target", target}}) {
      if (f[1] != null) {
        sql.append(" and ").append(f[0]).append(" = ?");
        args.add(f[1]);
      }
    }
    sql.append(" order by seq");
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setFetchSize(500);
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(record(rs));
        }
      }
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot read audit records", e);
    }
  }

  /** The stored hash of record {@code seq}, or null if there is no such record. */
  public String hashAt(long seq) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("select hash from audit_events where seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read audit record " + seq, e);
    }
  }

  private static AuditRecord record(ResultSet rs) throws SQLException, JsonProcessingException {
    return new AuditRecord(
        rs.getLong(1),
        AuditCanonical.time(Store.instant(rs.getObject(2, OffsetDateTime.class))),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        Json.mapper().readTree(rs.getString(8)),
        rs.getString(9),
        rs.getString(10));
  }

  private Head loadHead() {
    try (Connection c = store.connection()) {
      return readHead(c);
    } catch (SQLException e) {
      throw new StoreException("cannot read the audit chain head", e);
    }
  }

  private static Head readHead(Connection c) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "select seq, hash from audit_events where hash is not null"
                    + " order by seq desc limit 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? new Head(rs.getLong(1), rs.getString(2))
          : new Head(0, AuditCanonical.GENESIS_HASH);
    }
  }

  /**
   * Records written before version 2 of the schema have no hashes: chain them once, in seq order,
   * after the last hashed record. Later starts find none and only read the head.
   */
  private Head chainUnhashed() {
    Head h = loadHead();
    String select =
        "select " + COLUMNS + " from audit_events where hash is null and seq > ? order by seq";
    int n = 0;
    try (Connection c = store.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(select);
          PreparedStatement upd =
              c.prepareStatement("update audit_events set prev_hash = ?, hash = ? where seq = ?")) {
        ps.setLong(1, h.seq());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            AuditRecord r = record(rs);
            Instant t = AuditCanonical.parseTime(r.time());
            String hash =
                AuditCanonical.hash(
                    r.seq(),
                    t,
                    r.type(),
                    r.principal(),
                    r.target(),
                    r.grantId(),
                    r.task(),
                    r.details(),
                    h.hash());
            upd.setString(1, h.hash());
            upd.setString(2, hash);
            upd.setLong(3, r.seq());
            upd.executeUpdate();
            h = new Head(r.seq(), hash);
            n++;
          }
        }
        c.commit();
      } catch (SQLException | JsonProcessingException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot chain existing audit records", e);
    }
    if (n > 0) {
      LOG.info("audit chained {} records written before hashing existed; head seq={}", n, h.seq());
    }
    return h;
  }
}
