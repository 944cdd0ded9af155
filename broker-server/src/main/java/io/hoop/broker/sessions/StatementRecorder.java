package io.hoop.broker.sessions;

import io.hoop.api.SessionStatement;
import io.hoop.broker.store.StatementStore;
import io.hoop.tunnel.engine.EngineEvent;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.SessionStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the steps of tunnel sessions ({@link SessionStep} events: statements, commands, file
 * transfers) off the event loop: listeners only offer to a bounded queue (never blocking the
 * tunnel), one writer thread inserts them in batches. When the queue is full the statement is
 * dropped, counted per session and written to {@code tunnel_sessions.statements_dropped}, so an
 * overloaded store shows up as gaps instead of stalls.
 */
public final class StatementRecorder implements AutoCloseable {
  static final int DEFAULT_CAPACITY = 10_000;
  private static final int BATCH = 500;

  /**
   * How long the writer lets statements gather after the first one. Without it a busy broker writes
   * (and commits) one statement per wakeup, and that thread competes with the tunnels' event loops
   * for the same cores; with it a few hundred go in one commit, and the recording lags the session
   * by this much at most.
   */
  private static final long LINGER_MILLIS = 50;

  private static final Logger LOG = LoggerFactory.getLogger(StatementRecorder.class);

  private final StatementStore store;
  private final BlockingQueue<StatementStore.Row> queue;
  private final Set<Recording> dirtyDrops = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closing;

  public StatementRecorder(StatementStore store) {
    this(store, DEFAULT_CAPACITY);
  }

  StatementRecorder(StatementStore store, int capacity) {
    this(store, capacity, true);
  }

  /** {@code start} false leaves the writer stopped until {@link #start()}, for tests. */
  StatementRecorder(StatementStore store, int capacity, boolean start) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::run, "hoop-statements");
    writer.setDaemon(true);
    if (start) {
      writer.start();
    }
  }

  void start() {
    writer.start();
  }

  /** The listener for one session: numbers its statements and queues them. */
  public EngineListener listener(String sessionId) {
    return new Recording(sessionId);
  }

  /** Statements dropped since start because the queue was full or the store failed. */
  public long dropped() {
    return dropped.get();
  }

  private final class Recording implements EngineListener {
    private final String sessionId;
    private final AtomicInteger seq = new AtomicInteger();
    private final AtomicLong drops = new AtomicLong();

    Recording(String sessionId) {
      this.sessionId = sessionId;
    }

    @Override
    public void onEvent(EngineEvent event) {
      if (!(event instanceof SessionStep step)) {
        return;
      }
      SessionStatement st = step.statement(seq.incrementAndGet());
      if (closing || !queue.offer(new StatementStore.Row(sessionId, st.seq(), st))) {
        drop(1);
      }
    }

    void drop(long n) {
      drops.addAndGet(n);
      if (dropped.getAndAdd(n) == 0) {
        LOG.warn("statement recorder overloaded: dropping statements session={}", sessionId);
      }
      dirtyDrops.add(this);
    }
  }

  private void run() {
    List<StatementStore.Row> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        StatementStore.Row first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          writeDrops();
          if (closing) {
            return;
          }
          continue;
        }
        batch.add(first);
        linger();
        queue.drainTo(batch, BATCH - 1);
        write(batch);
        batch.clear();
        writeDrops();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void linger() {
    if (closing || queue.size() >= BATCH - 1) {
      return;
    }
    try {
      Thread.sleep(LINGER_MILLIS);
    } catch (InterruptedException e) {
      // Still write what was taken; the next poll sees the interrupt and stops.
      Thread.currentThread().interrupt();
    }
  }

  private void write(List<StatementStore.Row> batch) {
    try {
      store.insert(batch);
    } catch (RuntimeException e) {
      LOG.error("cannot record {} statements; counted as dropped", batch.size(), e);
      dropped.addAndGet(batch.size());
    }
  }

  private void writeDrops() {
    for (Recording r : dirtyDrops) {
      dirtyDrops.remove(r);
      try {
        store.setDropped(r.sessionId, r.drops.get());
      } catch (RuntimeException e) {
        LOG.error("cannot record dropped statements session={}", r.sessionId, e);
      }
    }
  }

  /** Writes what is queued (waiting at most a few seconds), then stops the writer. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.interrupt();
  }
}
