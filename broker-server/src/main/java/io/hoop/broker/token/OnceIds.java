package io.hoop.broker.token;

import java.time.Instant;

/**
 * Where one-time ids (a DPoP proof's key and jti, an exchanged ID token) are claimed beyond this
 * broker's own memory: with replicas, in the store every replica shares, so an item used on one
 * replica is refused on all. A broker alone keeps them in memory only ({@link #LOCAL}).
 */
@FunctionalInterface
public interface OnceIds {
  /** A broker without replicas: its own memory is every broker's. */
  OnceIds LOCAL = (kind, id, keepUntil) -> true;

  /**
   * Claims {@code id} of {@code kind}.
   *
   * @param keepUntil when the id can no longer be replayed and may be forgotten
   * @return true the first time, false when any broker claimed it before
   * @throws RuntimeException when the claim cannot be made (the caller refuses: fail closed)
   */
  boolean claim(String kind, String id, Instant keepUntil);
}
