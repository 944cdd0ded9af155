package io.hoop.cli.identity;

import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import java.time.Duration;
import java.time.Instant;

/** Decides, without I/O, whether a stored session is used as is, renewed, or needs a login. */
public final class RenewalPolicy {
  /** Sessions with less than this left are renewed before use. */
  public static final Duration MARGIN = Duration.ofMinutes(2);

  /** What to do with a session. */
  public enum Decision {
    /** Enough time left (or no known expiry): use it. */
    USE,
    /** Close to expiry and renewable: renew, and keep using the old one if renewal fails. */
    RENEW,
    /** Expired but renewable: renew, or the caller has to log in again. */
    RENEW_OR_LOGIN,
    /** Close to expiry and not renewable: use it while it lasts. */
    USE_UNTIL_EXPIRY,
    /** Expired and not renewable: log in again. */
    LOGIN
  }

  private RenewalPolicy() {}

  public static Decision decide(Credentials credentials, Instant now) {
    Instant expires = credentials.sessionExpiresAt();
    if (expires == null || now.plus(MARGIN).isBefore(expires)) {
      return Decision.USE;
    }
    boolean expired = !now.isBefore(expires);
    if (renewable(credentials)) {
      return expired ? Decision.RENEW_OR_LOGIN : Decision.RENEW;
    }
    return expired ? Decision.LOGIN : Decision.USE_UNTIL_EXPIRY;
  }

  /** Whether the login can be repeated without the user: a refresh token or a workload source. */
  public static boolean renewable(Credentials credentials) {
    LoginSource source = credentials.source();
    if (source == null || source.method() == null) {
      return false;
    }
    switch (source.method()) {
      case LoginSource.DEVICE:
        return credentials.refreshToken() != null;
      case LoginSource.CLIENT_CREDENTIALS:
        return source.clientId() != null && source.secretFile() != null;
      case LoginSource.FEDERATED:
        return source.tokenFile() != null
            || source.tokenEnv() != null
            || source.githubAudience() != null;
      default:
        return false;
    }
  }
}
