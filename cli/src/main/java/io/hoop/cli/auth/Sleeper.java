package io.hoop.cli.auth;

import java.time.Duration;

/** Waits between polls; tests replace it to record the waits and advance a fake clock. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** {@link Thread#sleep(long)}. */
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());
}
