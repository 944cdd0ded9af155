package io.hoop.broker.store;

import java.util.concurrent.atomic.LongAdder;

/** The store failed; callers fail closed (no grant, no tunnel) and say the store is unavailable. */
public final class StoreException extends RuntimeException {
  // Every store failure is raised as one of these: their count is the broker's store error metric.
  private static final LongAdder RAISED = new LongAdder();

  public StoreException(String message, Throwable cause) {
    super(message, cause);
    RAISED.increment();
  }

  /** How many store failures this process has raised (a metric: it only grows). */
  public static long raised() {
    return RAISED.sum();
  }
}
