package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

/** The answer of a bridge policy hook: allowed, or denied with a reason the user may read. */
public record Verdict(boolean allowed, String reason) {

  public Verdict {
    requireNonNull(reason, "reason");
  }

  public static Verdict allow() {
    return new Verdict(true, "");
  }

  public static Verdict deny(String reason) {
    return new Verdict(false, reason);
  }
}
