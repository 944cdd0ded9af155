package io.hoop.broker.notify;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO of deliveries that never blocks its producers: when full, the oldest delivery is
 * dropped to make room, because a receiver that is down for a long time must cost bounded memory
 * and the newest events are the ones a reviewer still acts on.
 */
final class DeliveryQueue {
  private final int capacity;
  private final ArrayDeque<Delivery> items;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private long dropped;

  DeliveryQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity is " + capacity + "; expected at least 1");
    }
    this.capacity = capacity;
    this.items = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** Adds a delivery; returns the one dropped to make room, or null. */
  Delivery offer(Delivery d) {
    lock.lock();
    try {
      Delivery oldest = null;
      if (items.size() >= capacity) {
        oldest = items.pollFirst();
        dropped++;
      }
      items.addLast(d);
      notEmpty.signal();
      return oldest;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest delivery, waiting up to {@code timeoutMillis}; null on timeout. */
  Delivery poll(long timeoutMillis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return items.pollFirst();
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  /** How many deliveries were dropped since start. */
  long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
