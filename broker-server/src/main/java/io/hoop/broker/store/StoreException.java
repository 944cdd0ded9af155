package io.hoop.broker.store;

/** The store failed; callers fail closed (no grant, no tunnel) and say the store is unavailable. */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
