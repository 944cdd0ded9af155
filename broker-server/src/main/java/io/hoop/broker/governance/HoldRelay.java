package io.hoop.broker.governance;

/**
 * The other replicas of the store, as holds see them: whether a live replica's session waits for a
 * hold, and telling it a reviewer decided one here.
 */
public interface HoldRelay {
  /** A broker that is the store's only replica. */
  HoldRelay NONE =
      new HoldRelay() {
        @Override
        public boolean waitsElsewhere(String holdId) {
          return false;
        }

        @Override
        public void decided(String holdId) {}
      };

  /** Whether a session on another live replica waits for {@code holdId}. */
  boolean waitsElsewhere(String holdId);

  /** A decision on {@code holdId} was stored and audited here; the waiting replica applies it. */
  void decided(String holdId);
}
