package io.hoop.broker.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs when the IdP stops answering and when it answers again, once each, not per refused login.
 */
final class IdpHealth {
  private static final Logger LOG = LoggerFactory.getLogger(IdpHealth.class);

  private final String issuer;
  private final Clock clock;
  private Instant downSince;

  IdpHealth(String issuer, Clock clock) {
    this.issuer = issuer;
    this.clock = clock;
  }

  /** The IdP could not be reached; logs the first time after it was reachable. */
  synchronized void unreachable(String reason) {
    if (downSince == null) {
      downSince = clock.instant();
      LOG.warn(
          "event=idp_unavailable issuer={} reason={} logins needing the IdP are refused until it"
              + " answers",
          issuer,
          reason);
    }
  }

  /** The IdP answered (a token verified against its keys); logs the recovery once. */
  synchronized void reachable() {
    if (downSince != null) {
      LOG.info(
          "event=idp_recovered issuer={} unavailable_for={}s",
          issuer,
          Duration.between(downSince, clock.instant()).toSeconds());
      downSince = null;
    }
  }

  synchronized boolean down() {
    return downSince != null;
  }
}
