package io.hoop.engine.ssh.bridge;

/** Receives the bridge's events; called on I/O threads, so it must not block. */
@FunctionalInterface
public interface BridgeListener {

  void onEvent(BridgeEvent event);

  static BridgeListener ignore() {
    return event -> {};
  }
}
