package io.hoop.broker.governance;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Durations;
import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import io.hoop.broker.config.GovernanceSection;
import io.hoop.broker.policy.HoldRules;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.HoldStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.tunnel.engine.Holds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of {@link Holds}: records a held operation (store, then audit, then the
 * reviewers' notification), keeps the waiting session's stage in a per-process registry, and
 * completes it on a reviewer's decision ({@link HoldReviews}), the timeout, a cancel, the end of
 * the grant or the broker's stop. Every end is a compare-and-set on the stored status, so exactly
 * one of them wins and is audited.
 *
 * <p>The registry is in memory: the session waits on the replica that holds its tunnel. A reviewer
 * may decide on any replica: the decision is stored and audited there, and this replica applies it
 * when told ({@link #settle}, through the cluster channel or its reconciliation). After a restart
 * nobody waits for an old pending hold, so deciding it ends it as cancelled.
 */
public final class BrokerHolds implements AutoCloseable {
  /** How long a hold waits for a reviewer unless its target says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = GovernanceSection.DEFAULT_HOLD_TIMEOUT;

  /** Pending holds one session may have at once (a flood of held commands is refused). */
  static final int MAX_PENDING_PER_SESSION = 8;

  /** Pending holds this broker keeps at once. */
  static final int MAX_PENDING = 1000;

  /**
   * Characters of the operation an audit record keeps: control characters take six in the stored
   * JSON, and a record's details hold at most 8000.
   */
  static final int AUDIT_EXCERPT = 1000;

  /** Who decides timeouts, cancels and ended grants. */
  static final String HOOP = "hoop";

  private static final Logger LOG = LoggerFactory.getLogger(BrokerHolds.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final HoldStore store;
  private final GrantStore grants;
  private final AuditLog audit;
  private final Consumer<HeldOperation> notify;
  private final Function<String, Duration> timeouts;
  private final Predicate<StoredGrant> reviewable;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor executor;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param notify tells the target's reviewers (webhooks); must not block
   * @param timeouts the hold timeout of a target, by name
   * @param reviewable whether the grant's target has reviewers at all (else nothing can be held)
   */
  public BrokerHolds(
      HoldStore store,
      GrantStore grants,
      AuditLog audit,
      Consumer<HeldOperation> notify,
      Function<String, Duration> timeouts,
      Predicate<StoredGrant> reviewable,
      Clock clock) {
    this.store = requireNonNull(store, "store");
    this.grants = requireNonNull(grants, "grants");
    this.audit = requireNonNull(audit, "audit");
    this.notify = requireNonNull(notify, "notify");
    this.timeouts = requireNonNull(timeouts, "timeouts");
    this.reviewable = requireNonNull(reviewable, "reviewable");
    this.clock = requireNonNull(clock, "clock");
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "hoop-holds-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  /** The {@link Holds} of one tunnel session under {@code grant}. */
  public Holds forSession(StoredGrant grant, String sessionId) {
    requireNonNull(grant, "grant");
    requireNonNull(sessionId, "sessionId");
    return request -> hold(grant, sessionId, request);
  }

  private CompletionStage<Holds.Hold> hold(
      StoredGrant grant, String sessionId, Holds.HoldRequest request) {
    requireNonNull(request, "request");
    CompletableFuture<Holds.Hold> recorded = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              recorded.complete(record(grant, sessionId, request));
            } catch (RuntimeException e) {
              recorded.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      recorded.completeExceptionally(stopping());
    }
    return recorded;
  }

  private Holds.Hold record(StoredGrant grant, String sessionId, Holds.HoldRequest request) {
    if (closed) {
      throw stopping();
    }
    // Stored to the microsecond: the hold in memory is the hold in the store.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String refusal = HoldRules.checkRequest(request.kind(), request.operation(), request.rule());
    if (refusal == null) {
      refusal = liveGrant(grant, now);
    }
    if (refusal == null && !reviewable.test(grant)) {
      refusal =
          "target "
              + grant.target()
              + " has no reviewers: an operation held for review could never be approved";
    }
    if (refusal == null) {
      long mine =
          waiting.values().stream().filter(w -> w.hold.sessionId().equals(sessionId)).count();
      if (mine >= MAX_PENDING_PER_SESSION) {
        refusal =
            "session "
                + sessionId
                + " already has "
                + mine
                + " operations waiting for review (at most "
                + MAX_PENDING_PER_SESSION
                + ")";
      } else if (waiting.size() >= MAX_PENDING) {
        refusal = "the broker already holds " + MAX_PENDING + " operations for review";
      }
    }
    if (refusal != null) {
      refused(grant, sessionId, request, refusal);
      throw new IllegalStateException(refusal);
    }
    Duration timeout = timeouts.apply(grant.target());
    Instant expiresAt = now.plus(timeout);
    boolean grantEndsFirst = grant.expiresAt() != null && grant.expiresAt().isBefore(expiresAt);
    if (grantEndsFirst) {
      expiresAt = grant.expiresAt().truncatedTo(ChronoUnit.MICROS);
    }
    HeldOperation h =
        new HeldOperation(
            newId(),
            sessionId,
            grant.id(),
            grant.principal(),
            grant.target(),
            grant.task(),
            request.kind(),
            request.operation(),
            request.rule(),
            HoldStatus.PENDING,
            now,
            expiresAt,
            null,
            null,
            null);
    Waiting w = new Waiting(h, timeout, grantEndsFirst);
    // In the registry before the row exists, so a reviewer who sees the row finds the waiter.
    waiting.put(h.id(), w);
    try {
      store.insert(h);
      Map<String, Object> d = details(h);
      d.putAll(operationDetails(h.operation()));
      d.put("expiresAt", expiresAt.toString());
      audit.append("hold.requested", h.principal(), h.target(), h.grantId(), h.task(), d);
    } catch (RuntimeException e) {
      waiting.remove(h.id());
      // The row may be in: end it, so no reviewer approves what nobody waits for.
      try {
        store.end(h.id(), HoldStatus.CANCELLED, HOOP, "could not be recorded", clock.instant());
      } catch (RuntimeException ignored) {
        // The store is gone: the row, if any, reads as expired at expiresAt.
      }
      throw new IllegalStateException(
          "the " + request.kind() + " operation could not be held for review: " + e.getMessage(),
          e);
    }
    w.timer =
        executor.schedule(
            () -> timeout(h.id()),
            Math.max(0, Duration.between(clock.instant(), expiresAt).toMillis()),
            TimeUnit.MILLISECONDS);
    notify.accept(h);
    LOG.info(
        "operation held hold={} session={} grant={} kind={} rule={}",
        h.id(),
        sessionId,
        grant.id(),
        h.kind(),
        h.rule());
    return w;
  }

  /** Why operations under {@code grant} cannot be held now (it is not live); null when live. */
  private String liveGrant(StoredGrant grant, Instant now) {
    GrantStatus s = grants.find(grant.id()).map(g -> g.effectiveStatus(now)).orElse(null);
    if (s == GrantStatus.APPROVED) {
      return null;
    }
    return "grant "
        + grant.id()
        + " is "
        + (s == null ? "gone" : s.name().toLowerCase(java.util.Locale.ROOT))
        + ": its operations cannot be held for review";
  }

  private void refused(StoredGrant grant, String sessionId, Holds.HoldRequest request, String why) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("session", sessionId);
    d.put("kind", HoldRules.checkRequest(request.kind(), "x", "x") == null ? request.kind() : "?");
    d.put("rule", request.rule().length() > HoldRules.MAX_RULE ? "?" : request.rule());
    d.put("operationLength", request.operation().length());
    d.put("reason", why);
    try {
      audit.append("hold.refused", grant.principal(), grant.target(), grant.id(), grant.task(), d);
    } catch (RuntimeException e) {
      LOG.warn("hold refusal not audited grant={}: {}", grant.id(), e.toString());
    }
  }

  /** Whether a session on this broker waits for {@code holdId}. */
  boolean isWaiting(String holdId) {
    return waiting.containsKey(holdId);
  }

  /**
   * A reviewer's decision ({@link HoldReviews} checked who may make it): the compare-and-set, the
   * audit record, then the waiting session's stage. An approval is audited before the operation
   * runs.
   *
   * @return false when the hold was no longer pending (another decision, the timeout or a cancel
   *     came first)
   */
  boolean decide(HeldOperation h, boolean approve, String by, String text) {
    Instant now = clock.instant();
    HoldStatus to = approve ? HoldStatus.APPROVED : HoldStatus.DENIED;
    if (!store.decide(h.id(), to, by, text, now)) {
      return false;
    }
    Map<String, Object> d = details(h);
    d.put("by", by);
    if (text != null) {
      d.put(approve ? "comment" : "reason", text);
    }
    audit.append(
        approve ? "hold.approved" : "hold.denied",
        h.principal(),
        h.target(),
        h.grantId(),
        h.task(),
        d);
    finish(
        h.id(),
        new Holds.Decision(
            approve, by, approve ? "" : "denied by " + by + (text == null ? "" : ": " + text)));
    return true;
  }

  /**
   * Ends a pending hold nobody decided ({@code to} EXPIRED or CANCELLED), audited as {@code
   * hold.expired} or {@code hold.cancelled}; the waiting session, if any, is refused with {@code
   * reason}.
   */
  boolean end(HeldOperation h, HoldStatus to, String reason) {
    if (!store.end(h.id(), to, HOOP, reason, clock.instant())) {
      return false;
    }
    Map<String, Object> d = details(h);
    d.put("reason", reason);
    audit.append(
        to == HoldStatus.EXPIRED ? "hold.expired" : "hold.cancelled",
        h.principal(),
        h.target(),
        h.grantId(),
        h.task(),
        d);
    finish(h.id(), new Holds.Decision(false, HOOP, reason));
    return true;
  }

  private void timeout(String id) {
    Waiting w = waiting.get(id);
    if (w == null) {
      return;
    }
    String reason =
        w.grantEndsFirst
            ? "grant " + w.hold.grantId() + " expired before a reviewer decided"
            : "no reviewer decided within " + Durations.format(w.timeout);
    endQuietly(w.hold, HoldStatus.EXPIRED, reason);
  }

  /**
   * The grant ended (revoked, released): its pending holds on this broker are refused at once.
   * Called with the message its tunnels get.
   */
  public void grantEnded(String grantId, String message) {
    List<Waiting> ofGrant =
        waiting.values().stream().filter(w -> w.hold.grantId().equals(grantId)).toList();
    if (ofGrant.isEmpty()) {
      return;
    }
    try {
      executor.execute(
          () -> {
            for (Waiting w : ofGrant) {
              endQuietly(w.hold, HoldStatus.CANCELLED, message);
            }
          });
    } catch (RejectedExecutionException e) {
      // Stopping: close() refuses them.
    }
  }

  private void endQuietly(HeldOperation h, HoldStatus to, String reason) {
    try {
      end(h, to, reason);
    } catch (RuntimeException e) {
      LOG.warn("hold not ended hold={} status={}: {}", h.id(), to, e.toString());
      // The session must not wait for a store that failed: refuse it anyway.
      finish(h.id(), new Holds.Decision(false, HOOP, reason));
    }
  }

  private void finish(String id, Holds.Decision decision) {
    Waiting w = waiting.remove(id);
    if (w != null) {
      if (w.timer != null) {
        w.timer.cancel(false);
      }
      w.decision.complete(decision);
    }
  }

  /** The holds sessions on this broker wait for. */
  public java.util.Set<String> waitingIds() {
    return java.util.Set.copyOf(waiting.keySet());
  }

  /**
   * Applies to the waiting session a decision stored by another replica (its reviewer decided
   * there, and audited it): the session goes on, or is refused with the stored reason. Nothing
   * happens while the stored hold is still pending, or when no session here waits for it.
   */
  public void settle(String holdId) {
    if (!waiting.containsKey(holdId)) {
      return;
    }
    store
        .find(holdId)
        .ifPresent(
            h -> {
              String by = h.decidedBy() == null ? HOOP : h.decidedBy();
              String text = h.reason() == null ? "" : ": " + h.reason();
              switch (h.status()) {
                case PENDING -> {}
                case APPROVED -> finish(holdId, new Holds.Decision(true, by, ""));
                case DENIED ->
                    finish(holdId, new Holds.Decision(false, by, "denied by " + by + text));
                default ->
                    finish(
                        holdId,
                        new Holds.Decision(
                            false, by, h.reason() == null ? "the hold ended" : h.reason()));
              }
            });
  }

  /** Pending holds on this broker (for tests and diagnostics). */
  public int waitingCount() {
    return waiting.size();
  }

  /**
   * The broker stops: every waiting hold ends as cancelled (best effort in the store) and its
   * session is refused ({@code the broker stopped}); later holds fail at once.
   */
  @Override
  public void close() {
    closed = true;
    for (Waiting w : List.copyOf(waiting.values())) {
      endQuietly(w.hold, HoldStatus.CANCELLED, "the broker stopped");
    }
    executor.shutdownNow();
  }

  private static IllegalStateException stopping() {
    return new IllegalStateException("the broker is stopping: held operations are refused");
  }

  private static Map<String, Object> details(HeldOperation h) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("hold", h.id());
    d.put("session", h.sessionId());
    d.put("kind", h.kind());
    d.put("rule", h.rule());
    return d;
  }

  /**
   * The operation as the audit trail keeps it: its SHA-256 (of the UTF-8 text) and length, and the
   * text itself up to {@link #AUDIT_EXCERPT} characters (an audit record's details are bounded; the
   * whole text is in the hold's row, which the hash binds to this record).
   */
  static Map<String, Object> operationDetails(String operation) {
    Map<String, Object> d = new LinkedHashMap<>();
    int cut = operation.length();
    if (operation.codePointCount(0, operation.length()) > AUDIT_EXCERPT) {
      cut = operation.offsetByCodePoints(0, AUDIT_EXCERPT);
    }
    d.put("operation", operation.substring(0, cut));
    if (cut < operation.length()) {
      d.put("operationTruncated", true);
    }
    d.put("operationLength", operation.length());
    try {
      d.put(
          "operationSha256",
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(operation.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
    return d;
  }

  static String newId() {
    char[] c = new char[12];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return "h-" + new String(c);
  }

  /** One waiting session's hold: what the engine holds on to. */
  private final class Waiting implements Holds.Hold {
    final HeldOperation hold;
    final Duration timeout;
    final boolean grantEndsFirst;
    final CompletableFuture<Holds.Decision> decision = new CompletableFuture<>();
    volatile ScheduledFuture<?> timer;

    Waiting(HeldOperation hold, Duration timeout, boolean grantEndsFirst) {
      this.hold = hold;
      this.timeout = timeout;
      this.grantEndsFirst = grantEndsFirst;
    }

    @Override
    public String id() {
      return hold.id();
    }

    @Override
    public String notice() {
      return "hoop: this "
          + hold.kind()
          + " operation is held for review as "
          + hold.id()
          + " (rule "
          + hold.rule()
          + "); a reviewer of "
          + hold.target()
          + " approves it with: hoop approve "
          + hold.id()
          + " (waiting up to "
          + Durations.format(Duration.between(hold.createdAt(), hold.expiresAt()))
          + ")";
    }

    @Override
    public CompletionStage<Holds.Decision> decision() {
      // A copy: the engine cannot complete the broker's own stage.
      return decision.copy();
    }

    @Override
    public void cancel() {
      if (!waiting.containsKey(hold.id())) {
        return;
      }
      try {
        executor.execute(
            () -> endQuietly(hold, HoldStatus.CANCELLED, "the session stopped waiting"));
      } catch (RejectedExecutionException e) {
        // Stopping: close() refuses it.
      }
    }
  }
}
