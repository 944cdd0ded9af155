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

  /**
   * The IdP could not be reached; logs the first time after it was reachable.
   *
   * @return whether this call logged the outage
   */
  synchronized boolean unreachable(String reason) {
    if (downSince == null) {
      downSince = clock.instant();
      LOG.warn(
          "event=idp_unavailable issuer={} reason={} logins needing the IdP are refused until it"
              + " answers",
          issuer,
          reason);
      return true;
    }
    return false;
  }

  /**
   * The IdP answered (a token verified against its keys); logs the recovery once.
   *
   * @return whether this call logged the recovery
   */
  synchronized boolean reachable() {
    if (downSince != null) {
      LOG.info(
          "event=idp_recovered issuer={} unavailable_for={}s",
          issuer,
          Duration.between(downSince, clock.instant()).toSeconds());
      downSince = null;
      return true;
    }
    return false;
  }

  synchronized boolean down() {
    return downSince != null;
  }
}
